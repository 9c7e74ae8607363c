"""The national hospital-system interface (定点医药机构接口), plain-JSON mode.

envelope.py parses and answers the envelope, auth.py checks the gateway credentials in front
of it, handlers_*.py implement the transactions, view.py ties them with msgid idempotency.
"""
