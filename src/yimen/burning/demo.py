ACCOUNTS = []


def load_demo():
    return ""
