"""What the browser tests (tests/browser) share: headless Chromium with a
step log (Browser), the all-in-one's credentials and APIs, and the launch
wizard's steps."""
import json
import os
import shutil
import time
import urllib.request

from stratus import dashboard

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1400,1000",
    # Loopback only, whatever proxy the environment names.
    "--no-proxy-server",
)
# Seconds for a page element, and for a resource to reach a status: ample
# for a loaded machine (the suite's workers beside the test); a passing
# run takes about a minute in all.
WAIT = 60
SETTLE = 180


def missing():
    reason = dashboard.missing_reason()
    if reason:
        return reason
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return "%s is missing: run %s" % (path, dashboard.INSTALL_HINT)
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (the test extras)"
    return None


def wait_for_banner(dep, process, url, timeout=SETTLE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the all-in-one exited (%s):\n%s"
                                 % (process.returncode,
                                    dep.log("all-in-one")[-4000:]))
        if url in dep.log("all-in-one"):
            return
        time.sleep(0.3)
    raise AssertionError("no dashboard line in the banner within %d s:\n%s"
                         % (timeout, dep.log("all-in-one")[-4000:]))


def password_of(data_dir, openrc_name="openrc-demo"):
    """The password of the user of data_dir/openrc_name."""
    with open(os.path.join(data_dir, openrc_name)) as openrc:
        for line in openrc:
            if "OS_PASSWORD=" in line:
                value = line.split("OS_PASSWORD=", 1)[1].strip()
                return value.strip("'\"")
    raise AssertionError("no OS_PASSWORD in %s" % openrc_name)


def api(method, url, token=None, body=None, headers=None):
    request = urllib.request.Request(
        url, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers=dict({"Content-Type": "application/json"},
                     **({"X-Auth-Token": token} if token else {}),
                     **(headers or {})))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        return response.headers, response.read()


def demo_token(aio, password):
    headers, _ = api("POST", aio.identity_url + "/auth/tokens", body={
        "auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "demo", "domain": {"name": "Default"},
            "password": password}}},
            "scope": {"project": {"name": "demo",
                                  "domain": {"name": "Default"}}}}})
    return headers["X-Subject-Token"]


class Browser:
    """Headless Chromium with a step log: each step's screenshot and HTML
    go to directory (step number and name in the file names)."""

    def __init__(self, directory):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        self.directory = directory
        self.profile = os.path.join(directory, "chromium-profile")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument("--user-data-dir=" + self.profile)
        # The page's console messages (JavaScript errors), kept per step.
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(
            service=Service(executable_path=CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(SETTLE)
        self.steps = []
        self.shown_errors = []
        self.passed = False

    def record(self, name):
        number = len(self.steps) + 1
        base = os.path.join(self.directory, "%02d-%s" % (number, name))
        try:
            self.driver.save_screenshot(base + ".png")
            with open(base + ".html", "w") as page:
                page.write(self.driver.page_source)
            with open(base + ".console.txt", "w") as console:
                for entry in self.driver.get_log("browser"):
                    console.write("%(level)s %(message)s\n" % entry)
        except Exception as error:  # noqa: BLE001 - a record is best effort
            print("could not record %s: %s" % (name, error))
        self.steps.append((name, time.monotonic()))
        # What Horizon told the user went wrong (its error alerts).
        self.shown_errors += ["%s: %s" % (name, text)
                              for text in self.errors()]

    def quit(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def wait(self, condition, timeout=WAIT, message=""):
        """condition's first true answer; elements that Horizon's AJAX
        row updates replaced meanwhile (stale) are looked up again."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(
            self.driver, timeout, poll_frequency=0.2,
            ignored_exceptions=(StaleElementReferenceException,)).until(
            condition, message)

    def find(self, css, timeout=WAIT):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        return self.wait(ec.visibility_of_element_located(
            (By.CSS_SELECTOR, css)), timeout, "no visible %s" % css)

    def click(self, css, timeout=WAIT):
        from selenium.webdriver.common.by import By
        return self._click(By.CSS_SELECTOR, css, timeout)

    def xpath(self, expression, timeout=WAIT):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        return self.wait(ec.element_to_be_clickable(
            (By.XPATH, expression)), timeout, "nothing at %s" % expression)

    def click_xpath(self, expression, timeout=WAIT):
        from selenium.webdriver.common.by import By
        return self._click(By.XPATH, expression, timeout)

    def _click(self, by, where, timeout):
        """Scroll to the element and click it, found again when an AJAX
        update replaced it between the lookup and the click."""
        from selenium.webdriver.support import expected_conditions as ec

        def clicked(driver):
            element = ec.element_to_be_clickable((by, where))(driver)
            if not element:
                return False
            driver.execute_script(
                "arguments[0].scrollIntoView({block: 'center'});", element)
            element.click()
            return element
        return self.wait(clicked, timeout, "nothing clickable at %s" % where)

    def no_modal(self, timeout=WAIT):
        from selenium.webdriver.common.by import By
        self.wait(lambda d: not [m for m in d.find_elements(
            By.CSS_SELECTOR, ".modal") if m.is_displayed()], timeout,
            "a dialog stayed open")

    def errors(self):
        """The texts of the error messages Horizon shows."""
        from selenium.webdriver.common.by import By
        return [e.text for e in self.driver.find_elements(
            By.CSS_SELECTOR, ".alert-danger, .toast-error, .alert-error")
            if e.is_displayed() and e.text.strip()]


def wizard_step(browser, label):
    browser.click_xpath(
        "//div[contains(@class,'modal')]//li[contains(@class,'nav-item') or "
        "@ng-repeat]//a[contains(normalize-space(.), '%s')]" % label)


# What the launch wizard's Metadata step offers from the definitions
# every cloud starts with: OS::Software::Runtimes, by its display name.
INSTANCE_METADATA = "Runtime Environment"


def metadata_step_offers_definitions(browser):
    wizard_step(browser, "Metadata")
    browser.xpath("//div[contains(@class,'modal')]//*[contains(., "
                  "'add Metadata items to your instance')]")
    browser.xpath("//div[contains(@class,'modal')]//div[contains(@class,"
                  "'metadata-tree')]//li[contains(@class,'list-group-item')"
                  " and contains(normalize-space(.), '%s')]"
                  % INSTANCE_METADATA)
