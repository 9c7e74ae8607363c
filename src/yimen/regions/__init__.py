"""GB/T 2260 administrative divisions: the tree every role and case hangs on."""
