"""Use cases of the transfer: the incoming side (``incoming``) and the outgoing side
(``outgoing``); ``inbound`` dispatches signed messages from peers to them."""
