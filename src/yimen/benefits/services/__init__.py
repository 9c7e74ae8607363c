"""The benefits services: roster, reviews (dynamic management) and payment rolls."""
