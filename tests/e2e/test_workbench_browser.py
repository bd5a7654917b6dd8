"""The workbench in a real browser: Debian's Chromium driven through chromium-driver on the real
servers. A coach signs in, refers and enrols a participant, records consent, starts a placement,
logs a follow-up and closes the case with an outcome, each step by filling in and sending the
page's own form; every screen, in all four languages, has no serious or critical accessibility
violation by axe-core. Screenshots of each screen go to PATHWAYS_SCREENSHOTS (if set)."""
import os
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.conftest import TOKENS
from tests.e2e.flow import FIRM
from tests.e2e.test_reporting import caught_up
from tests.e2e.test_workbench import workbench
from tests.support import wait_until

AXE_RUN = """const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(
  v => [v.id, v.impact, v.nodes.length, v.nodes[0].target.join(' ')])));"""


@pytest.fixture
def browser(tmp_path):
    driver_path, chromium = shutil.which("chromedriver"), shutil.which("chromium")
    assert driver_path and chromium, "chromium and chromium-driver (deploy/local/test " \
                                     "installs them) are needed"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    options.add_experimental_option("prefs", {"intl.accept_languages": "nb-NO,nb"})
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,1400", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})   # to inject axe only
    try:
        yield driver
    finally:
        driver.quit()


def new_page_loaded(driver):
    """Whether the page a form was sent from has been replaced by a loaded one (its window
    mark gone); mid-navigation Chromium may answer with an error: not yet."""
    try:
        return driver.execute_script(
            "return !window.pathwaysOldPage && document.readyState === 'complete'")
    except WebDriverException:
        return False


class Screens:
    def __init__(self, driver, base):
        self.driver, self.base = driver, base
        with open(os.environ["PATHWAYS_AXE_JS"], encoding="utf-8") as f:
            self.axe = f.read()
        self.out = os.environ.get("PATHWAYS_SCREENSHOTS")
        self.seen = []

    def open(self, path):
        self.driver.get(self.base + path)
        return self

    def check(self, name):
        """No serious or critical axe-core violation on the screen; a screenshot of it."""
        self.driver.execute_script(self.axe)
        found = self.driver.execute_async_script(AXE_RUN)
        bad = [v for v in found if v[1] in ("serious", "critical")]
        assert not bad, (name, self.driver.current_url, bad)
        if self.out:
            os.makedirs(self.out, exist_ok=True)
            self.driver.save_screenshot(os.path.join(self.out, f"{name}.png"))
        self.seen.append(name)

    def fill(self, form_id, **fields):
        form = self.driver.find_element(By.ID, form_id)
        for name, value in fields.items():
            element = form.find_element(By.NAME, name)
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            else:    # dates too: the value as the form sends it, whatever the locale shows
                self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
        self.driver.execute_script("window.pathwaysOldPage = true")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(self.driver, 20).until(lambda d: new_page_loaded(d))


def test_a_coach_works_a_case_in_chromium_and_every_screen_passes_axe(platform, dbs, browser):
    apps = workbench(platform)
    intake, reporting = apps["intake"], apps["reporting"]
    run = intake["coordinator"].call("POST", "/runs", {"programme": "aft", "name": "AFT Øst",
                                                       "places": 5}, expect=201)["run_id"]
    employer = apps["employer"]["coordinator"].call("POST", "/employers", FIRM,
                                                    expect=201)["employer_id"]
    apps["employer"]["coordinator"].call("POST", "/opportunities", {
        "employer_id": employer, "kind": "small_job", "title": "Kantine", "places": 2,
        "hours_per_week": 7, "valid_from": "2026-01-01"}, expect=201)
    screens = Screens(browser, apps["workbench"]["caseworker"].base)

    screens.open("/sign-in").check("sign-in")
    screens.fill("sign-in-form", token=TOKENS["caseworker"])
    assert browser.current_url.endswith("/caseload"), browser.page_source[-1500:]
    screens.check("caseload")
    screens.open("/runs").check("runs")
    screens.open(f"/runs/{run}").check("run-overview")
    screens.fill("refer-form", national_id="01018000055", given_name="Kari",
                 family_name="Nordmann", municipality="0301", date="2026-01-02")
    enrolment = browser.current_url.split("?")[0]
    screens.check("participant-referred")
    screens.fill("consent-form")
    screens.fill("apply-form")
    screens.check("participant-place-allocated")
    screens.fill("start-form", start_date="2026-01-05", percent="100", days_per_week="5")
    screens.check("participant-participating")
    screens.fill("placement-form", kind="work_trial", hours_per_week="20",
                 start_date="2026-02-02")
    screens.check("participant-placed")
    screens.fill("follow-up-form", date="2026-02-20")
    screens.fill("close-form", outcome="employed_ordinary", date="2026-04-30")
    assert browser.find_element(By.ID, "outcome").text.startswith("ordinær jobb")
    screens.check("participant-closed")
    screens.fill("show-form", purpose="follow-up call")
    assert "Kari Nordmann" in browser.find_element(By.ID, "person").text
    screens.check("personal-data")

    for lang in ("nb", "sv"):
        screens.open(f"/openings?lang={lang}").check(f"openings-{lang}")
    screens.open(f"/employers/{employer}").check("employer")

    # every screen in every language
    for lang in ("nb", "sv", "da", "en"):
        for name, path in (("caseload", "/caseload"), ("run", f"/runs/{run}"),
                           ("participant", enrolment[len(screens.base):])):
            screens.open(f"{path}?lang={lang}")
            assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
            screens.check(f"{name}-{lang}")
    assert "Tidslinje" in screens.open(f"{enrolment[len(screens.base):]}?lang=da").driver \
        .page_source

    # the coordinator's figures count it
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up")
    kpis = reporting["coordinator"].call("GET", "/reports/kpis")
    assert kpis["started"] == 1 and kpis["outcomes"]["at_end"]["numerator"] == 1
