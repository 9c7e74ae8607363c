"""Write the demo's two node configurations (Jilin on :8000, Hainan on :8001), once.

`make demo` runs this so the demo deployment is Jilin's medical-insurance node out of the
box; `make demo-hainan` starts the Hainan node beside it, so a transfer can be followed
from one province to the other. Each file holds its own fresh private key and the other
node's public key. Existing files are left alone (the keys must not change under a peer)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from yimen.medins.node import new_key_pair

NODES = {
    "jilin": ("吉林省医保（演示）", "220000000000", 8000),
    "hainan": ("海南省医保（演示）", "460000000000", 8001),
}


class Command(BaseCommand):
    help = "Write var/medins-node-jilin.json and var/medins-node-hainan.json for the demo."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default="var", help="where to write the two files")

    def handle(self, *args, dir="var", **options):
        folder = Path(dir)
        paths = {node: folder / f"medins-node-{node}.json" for node in NODES}
        if all(p.exists() for p in paths.values()):
            self.stdout.write("演示节点配置已存在 demo node configurations exist")
            return
        folder.mkdir(parents=True, exist_ok=True)
        keys = {node: new_key_pair() for node in NODES}
        for node, (name, province, _port) in NODES.items():
            peers = {
                other: {
                    "url": f"http://127.0.0.1:{NODES[other][2]}",
                    "province": NODES[other][1],
                    "name": NODES[other][0],
                    "public_key": keys[other][1],
                }
                for other in NODES
                if other != node
            }
            config = {
                "node_id": node,
                "province": province,
                "name": name,
                "private_key": keys[node][0],
                "peers": peers,
            }
            paths[node].write_text(json.dumps(config, ensure_ascii=False, indent=2))
            paths[node].chmod(0o600)
            self.stdout.write(f"wrote {paths[node]}")
