def load(*, password: str) -> list[tuple[str, str]]:
    return []
