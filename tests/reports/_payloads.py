"""Hostile strings that model output, cards, repo ids and data sets can carry into a report."""

PAYLOADS = (
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=2">',
    "javascript:window.__xss=3",
    "</textarea><script>window.__xss=4</script>",
    "<svg/onload=window.__xss=5>",
    "'><svg><script>window.__xss=6</script></svg>",
    "</title><script>window.__xss=7</script>",
    "</style><style>body{display:none}</style>",
    '<a href="javascript:window.__xss=8">click</a>',
    "<iframe srcdoc='<script>parent.__xss=9</script>'></iframe>",
    "]]><![CDATA[<script>window.__xss=10</script>",
    "{{ 7*7 }}{% raw %}",
)
ALL = "".join(PAYLOADS)
