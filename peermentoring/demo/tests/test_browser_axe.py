"""axe-core finds no WCAG 2 A or AA failure, nor a best-practice one, on any page a demo
account can reach.

Each demo role signs in at Oakbrook (safeguarding lead, coordinator, school admin, trust lead,
peer mentor, mentee, and a pupil who is an experienced mentor). The pages are every same-site
link of its first page (the menu, the messages, the account menu, the home page's own) and,
one level further, the links in each of those pages: one page per kind of link (`/pupils/12/`
stands for every pupil), at most VISIT_CAP per role. axe checks each kind of page once, for
the first role that reaches it, at most CHECK_CAP per role; every page opened must answer 200.
The first page is checked for every role, and its menu with each group open, at 1280 px and
on a 360 px phone.

axe-core comes from npm (package.json, installed by `make install-test` into node_modules)
and is put into each page by the test only: the site never serves it. The CSP would refuse
a script the page did not ask for, so the test's browser context bypasses it. The whole
check takes about two minutes (70 kinds of page, seven roles).
"""

from __future__ import annotations

import os
import re
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from peermentoring.core.roles import Role
from peermentoring.demo.builder import DEMO_PASSWORD
from peermentoring.demo.second_factors import DEMO_TOTP_KEY
from peermentoring.schools.models import Membership
from tests.support.browser import sign_in as browser_sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CHECK_CAP = 45  # pages axe checks per role, so the test stays within a few minutes
VISIT_CAP = 90  # pages opened per role
# Links that sign out, leave for Django's admin, or fetch a file rather than a page.
SKIP = re.compile(r"/accounts/logout/|/admin/|\.(csv|pdf|ics|txt)$|/export/|/download/")

# The safeguarding lead first: her pages show what only she may see. A page of a kind
# checked for an earlier role is opened again (it must answer 200) but not checked again.
ROLES = [
    Role.SAFEGUARDING_LEAD,
    Role.COORDINATOR,
    Role.SCHOOL_ADMIN,
    Role.TRUST_LEAD,
    Role.MENTOR,
    Role.MENTEE,
    Role.PUPIL,
]

RUN_AXE = """async ([tags, scope]) => {
  const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
  const result = await axe.run(scope || document, options);
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    count: v.nodes.length,
  }));
}"""

LINKS_JS = """(scope) => Array.from(document.querySelectorAll(scope + ' a[href]'))
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href)"""


def demo_account(role: Role) -> str:
    """The username of Oakbrook's first demo account of the role still on the demo password."""
    memberships = Membership.objects.filter(role=role, school__slug="oakbrook")
    for membership in memberships.select_related("user").order_by("user__username"):
        if membership.user.check_password(DEMO_PASSWORD):
            return membership.user.username
    raise AssertionError(f"the demo has no {role.label} account at Oakbrook")


def kind_of(url: str) -> str:
    """One key for pages of one kind: ids become N, and only the query's names count."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/)", "/N", parts.path)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(names) if names else "")


class Crawl:
    """The pages one role can reach; what axe found on them goes into `problems`."""

    def __init__(self, page, base: str, who: str, checked: set[str]) -> None:
        self.page, self.base, self.who = page, base, who
        self.seen: set[str] = set()  # the kinds of page this role reached
        self.checked = checked  # the kinds of page axe has checked, for any role
        self.checks = 0
        self.problems: list[str] = []

    def same_site(self, scope: str) -> list[str]:
        links = []
        for href in self.page.evaluate(LINKS_JS, scope):
            url = href.split("#")[0]
            if url.startswith(self.base) and not SKIP.search(urlsplit(url).path):
                links.append(url)
        return links

    def new(self, urls: list[str]) -> list[str]:
        fresh = []
        for url in urls:
            if kind_of(url) not in self.seen and len(self.seen) < VISIT_CAP:
                self.seen.add(kind_of(url))
                fresh.append(url)
        return fresh

    def visit(self, url: str) -> bool:
        """Open the page and check it unless its kind was checked; False if it is no page."""
        response = self.page.goto(url)
        path = url.removeprefix(self.base)
        if response is None or response.status != 200:
            status = response.status if response else "no response"
            self.problems.append(f"{self.who}: {path} answered {status}")
            return False
        if "text/html" not in response.headers.get("content-type", ""):
            return False
        if kind_of(url) not in self.checked and self.checks < CHECK_CAP:
            self.check(path)
        return True

    def check(self, where: str, scope: str = "") -> None:
        """Run axe on the page, or only on the part `scope` selects."""
        if not scope:
            self.checked.add(kind_of(self.page.url))
            self.checks += 1
        if not self.page.evaluate("() => typeof axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        for v in self.page.evaluate(RUN_AXE, [AXE_TAGS, scope]):
            targets = "; ".join(v["targets"])
            more = f" (+{v['count'] - 3} more)" if v["count"] > 3 else ""
            self.problems.append(f"{self.who}: {v['impact']} {v['id']} on {where}: {targets}{more}")


@pytest.fixture
def demo(live_server, transactional_db):
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    return live_server.url


def sign_in(page, base: str, role: Role) -> str:
    """Sign the role's demo account in; returns the page it lands on."""
    browser_sign_in(page, base, demo_account(role), DEMO_PASSWORD, secret=DEMO_TOTP_KEY)
    return page.url.split("#")[0]


@pytest.mark.browser
def test_no_page_a_demo_role_can_reach_fails_axe_s_checks(demo, browser):
    if not AXE.exists():
        reason = "axe-core is not installed: `make install-test` runs `npm ci`."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} Under CI a missing axe-core is a failure.")
        pytest.skip(reason)
    problems: list[str] = []
    checked: set[str] = set()
    for role in ROLES:
        context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        crawl = Crawl(page, demo, role.label, checked)
        first = sign_in(page, demo, role)
        home = first.removeprefix(demo)
        crawl.seen.add(kind_of(first))
        # Each role's first page is checked whatever its kind: its menu is the role's own.
        crawl.check(home)
        # The menu with each of its groups open, on a wide screen and on a phone.
        groups = page.locator("#school-menu .menu-group summary")
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            if width == 360 and page.locator(".menu-toggle").count():
                page.click(".menu-toggle")
            for n in range(groups.count()):
                groups.nth(n).click()
                label = groups.nth(n).inner_text()
                crawl.check(f"{home} at {width} px, {label!r} open", scope="#school-menu")
        page.set_viewport_size({"width": 1280, "height": 900})

        # The menu's pages and every link of the first page (the messages and the account
        # menu's too), then the links on each of those pages: two levels in all.
        first_level = crawl.new(crawl.same_site("#school-menu") + crawl.same_site("body"))
        second_level = []
        for url in first_level:
            if crawl.visit(url):
                second_level.extend(crawl.new(crawl.same_site("main")))
        for url in second_level:
            crawl.visit(url)

        if len(crawl.seen) < 3:
            problems.append(f"{role.label}: reached only {sorted(crawl.seen)}")
        problems.extend(crawl.problems)
        context.close()

    print(f"axe checked {len(checked)} kinds of page")
    assert problems == [], "\n".join(["", *problems])
