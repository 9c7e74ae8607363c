"""Print a new Ed25519 key pair for a medical-insurance node."""

from django.core.management.base import BaseCommand

from yimen.medins.node import new_key_pair


class Command(BaseCommand):
    help = "Print a new Ed25519 key pair (base64) for this node's configuration."

    def handle(self, *args, **options):
        private, public = new_key_pair()
        self.stdout.write(f"private_key: {private}\npublic_key:  {public}")
        self.stdout.write("Keep the private key on this node only; give peers the public key.")
