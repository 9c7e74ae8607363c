"""URLs of medins under /api/medins/: the node-to-node message door."""

from django.urls import URLPattern, URLResolver, path

from . import inbound

app_name = "medins_api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("node/messages", inbound.receive, name="node-messages"),
]
