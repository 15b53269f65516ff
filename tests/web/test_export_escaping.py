"""The Markdown verslag shows what people typed as text: no raw HTML, no javascript: links, no headings
or table cells made from someone's words, rendered by a real CommonMark renderer (markdown-it-py)."""

from __future__ import annotations

from markdown_it import MarkdownIt

ATTACK = ('<script>alert(1)</script> [klik hier](javascript:alert(1)) <img src=x onerror=alert(1)> '
          '<javascript:alert(2)> &lt;b&gt; | cel')


def test_the_markdown_export_escapes_user_text(service, client):
    mid = service.create("case-clinic", ["Anna", "Ben<b>", "Carla"], "Anna", hulpvraag=ATTACK)
    service.command(mid, "start")
    service.command(mid, "note", text=ATTACK)
    service.command(mid, "note", text="# Kop\n> citaat\n1. lijst")
    service.command(mid, "set_outcome", kind="volgende_stap", text=ATTACK)
    text = client.get(f"/api/meetings/{mid}/export?format=md").get_data(as_text=True)
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    for bad in ("<script", "<img", "<b>", "javascript:alert(1)\"", 'href="javascript:', "<a "):
        assert bad not in html, (bad, html)
    assert "<h1>Kop</h1>" not in html and "<blockquote>" not in html
    # What people typed still reads as they typed it.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[klik hier](javascript:alert(1))" in html
    assert "Ben&lt;b&gt;" in html and "# Kop" in html
