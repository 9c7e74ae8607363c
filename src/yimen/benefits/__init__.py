"""Beneficiary roster, reviews and payments."""
