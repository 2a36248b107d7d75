"""Safe Markdown for text people write: the need for change, observations, answers."""

from __future__ import annotations

import markdown as markdown_lib
import nh3

#: ``#`` becomes ``<h4>``, under the page's own headings; Markdown never goes past ``<h6>``.
HEADING_BASE_LEVEL = 4
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "del", "ul", "ol", "li",
    "blockquote", "code", "pre", "a", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Markdown to HTML with only basic tags kept: no scripts, styles, images or event handlers.

    Headings move down three levels (``#`` becomes ``<h4>``) to sit under the page's own
    headings; links keep only http(s) and mailto targets and get ``rel="noopener noreferrer"``.
    """
    html = markdown_lib.markdown(
        text or "",
        extensions=["sane_lists", "nl2br", "toc"],
        extension_configs={"toc": {"baselevel": HEADING_BASE_LEVEL}},
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
