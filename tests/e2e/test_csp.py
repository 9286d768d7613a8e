"""The strict Content-Security-Policy (issue 23, item 9) holds in a real browser: the map, an
incident page with its proofs checked, and the report form run with no violation reported, and
an injected inline script does not run.
"""

from __future__ import annotations

import pytest

from truce.web.guard import CSP

pytestmark = pytest.mark.e2e

_WATCH = """() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation',
    (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
}"""


def test_the_app_runs_under_the_strict_policy_and_inline_script_does_not(session):
    s = session()
    console: list[str] = []
    s.page.on("console", lambda m: console.append(m.text))
    s.context.add_init_script(f"({_WATCH})()")
    s.sign_in("analyst", "demo-analyst")
    assert s.page.request.get(s.server.url + "/").headers["content-security-policy"] == CSP
    assert s.open_map() > 0
    first = s.api("/api/v1/map/incidents")["id"][-1]
    s.page.goto(f"{s.server.url}/#/incident/{first}")
    s.page.wait_for_selector("#incident-title")
    # Its proofs are checked in the browser (Ed25519, RFC 9162) under the policy too.
    s.page.wait_for_function(
        "() => { const p = [...document.querySelectorAll('li.proof')];"
        " return p.length > 0 && p.every(x => x.dataset.state === 'verified'); }"
    )
    s.page.goto(f"{s.server.url}/#/report")
    s.page.wait_for_timeout(500)
    # An inline script (what a stored XSS would be) is refused by the policy.
    ran = s.page.evaluate(
        """() => { const el = document.createElement('script');
                   el.textContent = 'window.__pwned = 1'; document.body.appendChild(el);
                   return window.__pwned === 1; }"""
    )
    assert ran is False
    violations = s.page.evaluate("window.__csp")
    assert [v for v in violations if not v.startswith("script-src-elem inline")] == [], violations
    assert any(v.startswith("script-src-elem inline") for v in violations), violations
    assert not [c for c in console if "Content Security Policy" in c and "inline" not in c]
