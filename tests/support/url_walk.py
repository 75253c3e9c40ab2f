"""Walking every URL of the portal, as the tests that hold a promise for every download do:
each route of the URLconf, with an object (or objects) for each keyword it takes.

    for route, pattern in portal_patterns():
        for url in urls_of(route, pattern, {"collection_id": [7], ...}):
            response = client.get(url)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence

from django.urls import URLPattern, URLResolver, get_resolver

FILE_TYPES = ("text/csv", "application/pdf", "application/xml", "text/xml", "application/zip",
              "application/octet-stream", "application/vnd.openxmlformats")  # fmt: skip


def portal_patterns() -> list[tuple[str, URLPattern]]:
    """(route, pattern) for every URL of the portal's namespace, the route in full."""
    found: list[tuple[str, URLPattern]] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for item in patterns:
            if isinstance(item, URLResolver):
                walk(item.url_patterns, prefix + str(item.pattern), item.namespace or namespace)
            elif namespace == "portal":
                found.append((prefix + str(item.pattern), item))

    walk(get_resolver().url_patterns, "", "")
    return found


def urls_of(
    route: str, pattern: URLPattern, values: Mapping[str, Sequence[object]]
) -> Iterator[str]:
    """The route with each combination of the values of its keywords."""
    keywords = sorted(pattern.pattern.converters)
    unknown = [k for k in keywords if k not in values]
    assert not unknown, f"{route} takes {unknown}: give the walk an object for it"
    for chosen in itertools.product(*(values[k] for k in keywords)):
        path = "/" + route
        for keyword, value in zip(keywords, chosen, strict=True):
            for converter in ("int", "str"):
                path = path.replace(f"<{converter}:{keyword}>", str(value))
        yield path


def is_file(response: object) -> bool:
    disposition = str(response.get("Content-Disposition", ""))  # type: ignore[attr-defined]
    kind = str(response.get("Content-Type", ""))  # type: ignore[attr-defined]
    return "attachment" in disposition or kind.startswith(FILE_TYPES)


def body_of(response: object) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]
