"""The demo's two node configurations trust each other and parse as nodes."""

from __future__ import annotations

import json

from django.core.management import call_command

from yimen.medins.node import parse_config


def test_demo_nodes_are_written_once_and_trust_each_other(tmp_path):
    call_command("medins_demo_nodes", dir=str(tmp_path))
    jilin = parse_config(json.loads((tmp_path / "medins-node-jilin.json").read_text()))
    hainan = parse_config(json.loads((tmp_path / "medins-node-hainan.json").read_text()))
    data = b"message"
    assert hainan.peers["jilin"].verify(jilin.sign(data), data)
    assert jilin.peers["hainan"].verify(hainan.sign(data), data)
    assert jilin.province == "220000000000" and hainan.peers["jilin"].url.endswith(":8000")
    before = (tmp_path / "medins-node-jilin.json").read_text()
    call_command("medins_demo_nodes", dir=str(tmp_path))
    assert (tmp_path / "medins-node-jilin.json").read_text() == before  # keys never change


def test_a_missing_configuration_file_means_not_a_node(monkeypatch, tmp_path, settings):
    from yimen.medins.node import node_config

    settings.MEDINS_NODE = None
    monkeypatch.setenv("YIMEN_MEDINS_NODE_CONFIG", str(tmp_path / "absent.json"))
    assert node_config() is None
