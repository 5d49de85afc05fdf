"""The OpenStack dashboard in a real browser (issue 18): `stratus
all-in-one --dashboard` as a process of its own on a fresh data directory,
Horizon 27 (tools/install-horizon.sh) beside it, headless Chromium driven
by selenium through what a new user does: log in, create a volume, launch
an instance through the wizard (image, flavor, network, security group,
key pair), see it Active, open its console (noVNC in the page) and its
log, attach the volume, delete the instance.

Every step leaves a screenshot and the page's HTML in the directory the
test prints ($STRATUS_TEST_ARTIFACTS, else the test's tmp_path), kept when
the test fails.
"""
import json
import os
import shutil
import time
import urllib.parse
import urllib.request

import pytest

from bench import deploy
from stratus import dashboard

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("horizon_browser")]

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
SERVER = "horizon-vm"
VOLUME = "horizon-vol"


def _missing():
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


@pytest.fixture(scope="module")
def aio(tmp_path_factory):
    reason = _missing()
    if reason:
        pytest.skip(reason)
    workdir = str(tmp_path_factory.mktemp("horizon"))
    dep = deploy.Deployment(workdir)
    ports = {name: deploy.free_port() for name in (
        "compute", "identity", "image", "placement", "network", "volume",
        "dashboard")}
    conf_path = os.path.join(workdir, "stratus.conf")
    deploy.write_config(conf_path, {
        "serial_console": {"serialproxy_port": 0},
        "vnc": {"novncproxy_port": 0},
    })
    process = dep.spawn("all-in-one", [
        "--config-file", conf_path, "all-in-one", "--hosts", "1",
        "--data-dir", os.path.join(workdir, "data"),
        "--compute-port", str(ports["compute"]),
        "--identity-port", str(ports["identity"]),
        "--image-port", str(ports["image"]),
        "--placement-port", str(ports["placement"]),
        "--network-port", str(ports["network"]),
        "--volume-port", str(ports["volume"]),
        "--dashboard", "--dashboard-port", str(ports["dashboard"])])
    url = "http://127.0.0.1:%d/" % ports["dashboard"]
    try:
        _wait_for_banner(dep, process, url)
    except Exception:
        dep.stop()
        raise
    dep.dashboard_url = url
    dep.identity_url = "http://127.0.0.1:%d/v3" % ports["identity"]
    dep.compute_url = "http://127.0.0.1:%d/v2.1" % ports["compute"]
    dep.data_dir = os.path.join(workdir, "data")
    yield dep
    dep.stop()


def _wait_for_banner(dep, process, url, timeout=SETTLE):
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


def _demo_password(data_dir, openrc_name="openrc-demo"):
    """The password of the user of data_dir/openrc_name."""
    with open(os.path.join(data_dir, openrc_name)) as openrc:
        for line in openrc:
            if "OS_PASSWORD=" in line:
                value = line.split("OS_PASSWORD=", 1)[1].strip()
                return value.strip("'\"")
    raise AssertionError("no OS_PASSWORD in %s" % openrc_name)


def _api(method, url, token=None, body=None, headers=None):
    request = urllib.request.Request(
        url, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers=dict({"Content-Type": "application/json"},
                     **({"X-Auth-Token": token} if token else {}),
                     **(headers or {})))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        return response.headers, response.read()


def _demo_token(aio, password):
    headers, _ = _api("POST", aio.identity_url + "/auth/tokens", body={
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


@pytest.fixture
def browser(tmp_path):
    """The browser; its screenshots and pages go to tmp_path/artifacts
    (pytest keeps the latest runs' tmp_paths), or to
    $STRATUS_TEST_ARTIFACTS/horizon-PID, removed there when the test
    passed."""
    shared = os.environ.get("STRATUS_TEST_ARTIFACTS")
    if shared:
        directory = os.path.join(shared, "horizon-%d" % os.getpid())
    else:
        directory = str(tmp_path / "artifacts")
    os.makedirs(directory, exist_ok=True)
    print("browser screenshots and pages: %s" % directory)
    try:
        chromium = Browser(directory)
    except Exception as error:  # noqa: BLE001 - the reason is the message
        pytest.fail("headless Chromium did not start: %s" % error)
    yield chromium
    chromium.quit()
    if shared and chromium.passed:
        shutil.rmtree(directory, ignore_errors=True)


def test_a_new_user_launches_watches_attaches_and_deletes_in_horizon(
        aio, browser):
    started = time.monotonic()
    password = _demo_password(aio.data_dir)
    token = _demo_token(aio, password)
    # The key pair the wizard picks (the only one of this user).
    _api("POST", aio.compute_url + "/os-keypairs", token, {
        "keypair": {"name": "horizon-key"}})
    driver = browser.driver
    base = aio.dashboard_url
    try:
        _log_in(browser, base, password)
        _create_volume(browser, base)
        server_id = _launch(browser, base)
        _detail_tabs(browser, base, server_id)
        _attach_volume(browser, base)
        _delete(browser, base)
        assert not browser.shown_errors, browser.shown_errors
        browser.passed = True
    except Exception:
        browser.record("failed")
        print("at %s; errors shown: %s" % (driver.current_url,
                                           browser.errors()))
        print("all-in-one log (end):\n" + aio.log("all-in-one")[-3000:])
        print("dashboard log (end):\n" + dashboard._tail(os.path.join(
            aio.data_dir, "dashboard", "dashboard.log")))
        raise
    finally:
        previous = started
        for name, at in browser.steps:
            print("  %-28s %5.1f s" % (name, at - previous))
            previous = at
        print("whole flow: %.1f s" % (time.monotonic() - started))


def _log_in(browser, base, password):
    driver = browser.driver
    driver.get(base)
    browser.find("#id_username").send_keys("demo")
    browser.find("#id_password").send_keys(password)
    browser.record("login-form")
    browser.click("#loginBtn")
    browser.wait(lambda d: "/auth/login" not in d.current_url,
                 message="still on the login page")
    browser.find(".navbar")
    assert "demo" in driver.page_source
    browser.record("logged-in")


def _create_volume(browser, base):
    driver = browser.driver
    driver.get(base + "project/volumes/")
    browser.click("#volumes__action_create")
    browser.find("#id_name").send_keys(VOLUME)
    size = browser.find("#id_size")
    size.clear()
    size.send_keys("1")
    browser.record("create-volume")
    browser.click(".modal-footer .btn-primary")
    browser.no_modal()
    browser.wait(lambda d: _row_status(d, VOLUME) == "Available", SETTLE,
                 "the volume did not become Available")
    browser.record("volume-available")


def _row_status(driver, name):
    """The Status cell of the table row named name (Horizon marks it
    status_up, status_down or status_unknown), or None."""
    from selenium.webdriver.common.by import By
    for row in driver.find_elements(By.CSS_SELECTOR, "table tbody tr"):
        cells = row.find_elements(By.CSS_SELECTOR, "td")
        if any(cell.text.strip() == name for cell in cells):
            for cell in cells:
                if "status_" in (cell.get_attribute("class") or ""):
                    return cell.text.strip()
    return None


def _wizard_step(browser, label):
    browser.click_xpath(
        "//div[contains(@class,'modal')]//li[contains(@class,'nav-item') or "
        "@ng-repeat]//a[contains(normalize-space(.), '%s')]" % label)


def _launch(browser, base):
    from selenium.webdriver.common.by import By
    driver = browser.driver
    driver.get(base + "project/instances/")
    browser.click("#instances__action_launch-ng")
    browser.find("input[name='name']").send_keys(SERVER)
    browser.record("wizard-details")

    _wizard_step(browser, "Source")
    # Boot from the image itself, not from a new volume.
    browser.click_xpath("//div[contains(@class,'modal')]//label[contains("
                        "@class,'btn') and normalize-space(.)='No']")
    browser.xpath("//div[contains(@class,'modal')]//tr[td[contains(., "
                  "'stratus-tiny')]]")
    _allocate_in_visible_step(browser, "stratus-tiny")
    browser.record("wizard-source")

    _wizard_step(browser, "Flavor")
    _allocate_in_visible_step(browser, "m1.tiny")
    browser.record("wizard-flavor")

    _wizard_step(browser, "Networks")
    _allocate_in_visible_step(browser, "private", optional=True)
    browser.record("wizard-networks")

    _wizard_step(browser, "Security Groups")
    _allocated_contains(browser, "default")
    browser.record("wizard-security-groups")

    _wizard_step(browser, "Key Pair")
    _allocate_in_visible_step(browser, "horizon-key", optional=True)
    browser.record("wizard-key-pair")

    browser.click_xpath("//div[contains(@class,'modal-footer')]//button["
                        "contains(normalize-space(.), 'Launch Instance')]")
    browser.no_modal(SETTLE)
    browser.record("launched")
    browser.wait(lambda d: _row_status(d, SERVER) == "Active", SETTLE,
                 "the instance did not become Active")
    browser.record("instance-active")
    link = driver.find_element(By.LINK_TEXT, SERVER)
    server_id = link.get_attribute("href").rstrip("/").rsplit("/", 1)[1]
    return server_id


def _visible_step(browser):
    from selenium.webdriver.common.by import By
    for step in browser.driver.find_elements(
            By.CSS_SELECTOR, ".modal .step, .modal [ng-form], "
            ".modal .wizard-content > div"):
        if step.is_displayed():
            return step
    raise AssertionError("no visible wizard step")


def _allocated_contains(browser, name):
    from selenium.webdriver.common.by import By

    def allocated(driver):
        return any(name in part.text for part in _visible_step(
            browser).find_elements(By.CSS_SELECTOR, ".transfer-allocated"))
    browser.wait(allocated, message="%s is not allocated" % name)


def _allocate_in_visible_step(browser, name, optional=False):
    """Allocate the row named name (its arrow-up button) unless it is
    already in the Allocated table (the wizard allocates a lone network
    or key pair itself)."""
    from selenium.webdriver.common.by import By

    def button(driver):
        step = _visible_step(browser)
        if any(name in part.text for part in step.find_elements(
                By.CSS_SELECTOR, ".transfer-allocated")):
            return "allocated"
        for row in step.find_elements(By.CSS_SELECTOR,
                                      ".transfer-available table tr"):
            if name in row.text:
                found = [b for b in row.find_elements(
                    By.CSS_SELECTOR, "button.fa-arrow-up")
                    if b.is_displayed()]
                if found:
                    driver.execute_script(
                        "arguments[0].scrollIntoView({block: 'center'});",
                        found[0])
                    found[0].click()
                    return "clicked"
        return False
    browser.wait(button, message="no row %s to allocate" % name)
    _allocated_contains(browser, name)


def _detail_tabs(browser, base, server_id):
    from selenium.webdriver.common.by import By
    driver = browser.driver
    driver.get(base + "project/instances/%s/" % server_id)
    browser.find(".detail")
    browser.record("instance-overview")
    driver.get(base + "project/instances/%s/?tab=instance_details__log"
               % server_id)
    log = browser.find("#instance_details__log pre, pre.logs")
    browser.wait(lambda d: log.text.strip(), message="the log is empty")
    browser.record("instance-log")
    # Its port on the network "private", and its actions (Create).
    for tab, shown in (("interfaces", "private"), ("audit", "Create")):
        driver.get(base + "project/instances/%s/?tab=instance_details__%s"
                   % (server_id, tab))
        assert shown in browser.find("#instance_details__%s table"
                                     % tab).text
        browser.record("instance-" + tab)
    driver.get(base + "project/instances/%s/?tab=instance_details__console"
               % server_id)
    frame = browser.find("#instance_details__console iframe, iframe")
    src = frame.get_attribute("src")
    assert "token" in urllib.parse.unquote(src), src
    driver.switch_to.frame(frame)
    try:
        browser.wait(lambda d: d.execute_script(
            "return document.readyState") == "complete"
            and "noVNC" in (d.title + d.page_source), message=(
                "the noVNC page did not load in the console frame"))
    finally:
        driver.switch_to.default_content()
    browser.record("instance-console")
    assert not [frame for frame in driver.find_elements(
        By.CSS_SELECTOR, "iframe") if "error" in (frame.text or "")]


def _row_action(browser, name, action):
    """Choose the row's action: its button, or in its actions menu."""
    from selenium.webdriver.common.by import By
    row = ("//tr[td[normalize-space(.)='%s' or .//a[normalize-space(.)="
           "'%s']]]" % (name, name))
    item = ("//*[self::a or self::button][normalize-space(.)='%s']"
            % action)
    shown = [element for element in browser.driver.find_elements(
        By.XPATH, row + item) if element.is_displayed()]
    if not shown:
        browser.click_xpath(row + "//a[contains(@class,'dropdown-toggle')]")
    browser.click_xpath(row + item)


def _attach_volume(browser, base):
    driver = browser.driver
    driver.get(base + "project/instances/")
    browser.find("#instances")
    _row_action(browser, SERVER, "Attach Volume")
    # Horizon's themed select: a dropdown over the hidden <select>.
    browser.click(".modal .themable-select .dropdown-toggle")
    browser.click_xpath("//div[contains(@class,'modal')]//ul[contains("
                        "@class,'dropdown-menu')]//a[contains(., '%s')]"
                        % VOLUME)
    assert driver.find_element("css selector", "#id_volume").get_attribute(
        "value")
    browser.record("attach-volume")
    browser.click(".modal-footer .btn-primary")
    browser.no_modal()
    driver.get(base + "project/volumes/")
    browser.wait(lambda d: _row_status(d, VOLUME) == "In-use", SETTLE,
                 "the volume did not become In-use")
    assert SERVER in browser.find("#volumes").text
    browser.record("volume-attached")


def _delete(browser, base):
    driver = browser.driver
    driver.get(base + "project/instances/")
    browser.find("#instances")
    _row_action(browser, SERVER, "Delete Instance")
    browser.click(".modal-footer .btn-danger, .modal-footer .btn-primary")
    browser.no_modal()
    browser.wait(lambda d: SERVER not in d.find_element(
        "css selector", "#instances").text, SETTLE,
        "the instance is still listed")
    browser.record("instance-deleted")


# Every panel Horizon shows on the all-in-one, by the user who sees it
# (docs/dashboard.md has the table). Tabs of one page are separate URLs
# (?tab=GROUP__TAB): Horizon renders the chosen tab.
PROJECT_PANELS = [
    "project/", "project/instances/", "project/images/",
    "project/key_pairs/", "project/server_groups/", "project/volumes/",
    "project/snapshots/", "project/network_topology/", "project/networks/",
    "project/routers/", "project/security_groups/",
    "project/floating_ips/", "project/api_access/",
    "identity/", "identity/application_credentials/", "settings/",
]
ADMIN_PANELS = PROJECT_PANELS + [
    "admin/", "admin/hypervisors/",
    "admin/hypervisors/?tab=hypervisor_info__compute_host",
    "admin/hypervisors/?tab=hypervisor_info__provider",
    "admin/aggregates/", "admin/instances/", "admin/flavors/",
    "admin/images/", "admin/volumes/", "admin/volume_types/",
    "admin/snapshots/", "admin/volume_groups/", "admin/vg_snapshots/",
    "admin/networks/", "admin/routers/", "admin/floating_ips/",
    "admin/defaults/", "admin/metadata_defs/",
    "admin/info/", "admin/info/?tab=system_info__nova_services",
    "admin/info/?tab=system_info__cinder_services",
    "identity/domains/", "identity/users/", "identity/groups/",
    "identity/roles/",
]
# Panels the settings hide (what the all-in-one does not have): not in
# the menu; Horizon answers them "Page Not Found" or "Unauthorized".
HIDDEN_PANELS = [
    "project/backups/", "project/volume_groups/", "project/vg_snapshots/",
    "admin/backups/", "admin/group_types/", "identity/credentials/",
]
INSTANCE_TABS = ("overview", "interfaces", "log", "console", "audit")
# Known: Horizon 27 answers 500 to its own metadata-definitions call when
# the image service has no namespace for the resource type asked
# (openstack_dashboard/api/glance.py metadefs_namespace_full_list starts a
# thread pool of len(namespaces) workers, 0 is refused). Its pages hide
# the error (images' summary, the wizard's Metadata step shows nothing to
# choose); a new all-in-one's catalogue is empty until an administrator
# imports namespaces (docs/dashboard.md).
KNOWN_SERVER_ERRORS = ("/api/glance/metadefs/namespaces/",)


def test_every_panel_opens_for_the_admin_and_the_member(aio, browser):
    """Each panel loads: not "Page Not Found", no error alert, no server
    error (5xx) in the dashboard's log while it loads; the ones the
    settings hide are not shown."""
    started = time.monotonic()
    password = _demo_password(aio.data_dir)
    token = _demo_token(aio, password)
    server_id = _server_by_api(aio, token)
    log_path = os.path.join(aio.data_dir, "dashboard", "dashboard.log")
    failures = []
    try:
        for user, secret, panels in (("demo", password, PROJECT_PANELS),
                                     ("admin", _demo_password(aio.data_dir, "openrc"),
                                      ADMIN_PANELS)):
            _log_in_as(browser, aio.dashboard_url, user, secret)
            sidebar = _sidebar_links(browser, aio.dashboard_url)
            for hidden in HIDDEN_PANELS:
                if hidden in sidebar:
                    failures.append("%s: %s is shown" % (user, hidden))
            pages = list(panels)
            if user == "admin":
                pages += ["admin/instances/%s/detail?tab=instance_details__%s"
                          % (server_id, tab) for tab in INSTANCE_TABS]
            for page in pages:
                failures += _open_panel(browser, aio.dashboard_url, user,
                                        page, log_path)
            for page in HIDDEN_PANELS:
                browser.driver.get(aio.dashboard_url + page)
                # Not registered (backups): "Page Not Found"; refused by
                # a policy rule: "Unauthorized".
                if not any(refusal in browser.driver.title for refusal in (
                        "Page Not Found", "Unauthorized")):
                    failures.append("%s: hidden %s answers %r"
                                    % (user, page, browser.driver.title))
            _launch_metadata_step(browser, aio.dashboard_url, user)
            browser.driver.delete_all_cookies()
        failures += browser.shown_errors
        assert not failures, "\n".join(failures)
        browser.passed = True
    except Exception:
        browser.record("failed")
        print("at %s" % browser.driver.current_url)
        print("dashboard log (end):\n" + dashboard._tail(log_path))
        raise
    finally:
        print("panel sweep: %.1f s" % (time.monotonic() - started))


def _server_by_api(aio, token):
    """An Active server of demo's, for the instance pages."""
    _, body = _api("GET", aio.compute_url + "/flavors", token)
    flavor = [f["id"] for f in json.loads(body)["flavors"]
              if f["name"] == "m1.tiny"][0]
    _, body = _api("GET", aio.compute_url + "/images", token)
    image = [i["id"] for i in json.loads(body)["images"]
             if i["name"] == "stratus-tiny"][0]
    _, body = _api("POST", aio.compute_url + "/servers", token, {
        "server": {"name": "panel-vm", "flavorRef": flavor,
                   "imageRef": image}})
    server_id = json.loads(body)["server"]["id"]
    deadline = time.monotonic() + SETTLE
    while time.monotonic() < deadline:
        _, body = _api("GET", aio.compute_url + "/servers/" + server_id,
                       token)
        status = json.loads(body)["server"]["status"]
        if status == "ACTIVE":
            return server_id
        assert status != "ERROR", body
        time.sleep(0.5)
    raise AssertionError("panel-vm is not ACTIVE: %s" % status)


def _log_in_as(browser, base, user, password):
    browser.driver.get(base + "auth/login/")
    browser.find("#id_username").send_keys(user)
    browser.find("#id_password").send_keys(password)
    browser.click("#loginBtn")
    browser.wait(lambda d: "/auth/login" not in d.current_url,
                 message="%s is still on the login page" % user)
    browser.find(".navbar")


def _sidebar_links(browser, base):
    from selenium.webdriver.common.by import By
    return {a.get_attribute("href")[len(base):] for a in
            browser.driver.find_elements(By.CSS_SELECTOR, "#sidebar-accordion a[href]")
            if (a.get_attribute("href") or "").startswith(base)}


def _open_panel(browser, base, user, page, log_path):
    """The problems seen opening page (empty when it loaded cleanly)."""
    from selenium.webdriver.common.by import By
    driver = browser.driver
    with open(log_path, "rb") as log:
        log.seek(0, os.SEEK_END)
        position = log.tell()
    driver.get(base + page)
    browser.find("#content_body, .page-header, .detail, main")
    # Angular panels fill their tables from Horizon's REST calls.
    browser.wait(lambda d: not [s for s in d.find_elements(
        By.CSS_SELECTOR, "table .fa-spinner, .loading-spinner")
        if s.is_displayed()], message="%s still loading" % page)
    problems = ["%s: %s: %s" % (user, page, text)
                for text in browser.errors()]
    if "Page Not Found" in driver.title or "Unauthorized" in driver.title:
        problems.append("%s: %s is %r" % (user, page, driver.title))
    with open(log_path, "rb") as log:
        log.seek(position)
        for line in log.read().decode("utf-8", "replace").splitlines():
            parts = line.split()
            if (len(parts) == 3 and parts[0] in ("GET", "POST")
                    and parts[2].startswith("5")
                    and parts[1] not in KNOWN_SERVER_ERRORS):
                problems.append("%s: %s: %s" % (user, page, line))
    if problems:
        # Only a page with a problem is kept: a screenshot and its HTML.
        browser.record("%s-%s" % (user, page.strip("/").replace(
            "/", "_").replace("?tab=", "-")[:60] or "home"))
        browser.shown_errors = []
    return problems


def _launch_metadata_step(browser, base, user):
    """The launch wizard's Metadata step lists the instance metadata
    definitions the image service has."""
    browser.driver.get(base + "project/instances/")
    browser.click("#instances__action_launch-ng")
    browser.find("input[name='name']")
    _wizard_step(browser, "Metadata")
    browser.xpath("//div[contains(@class,'modal')]//*[contains(., "
                  "'add Metadata items to your instance')]")
    problems = browser.errors()
    assert not problems, "%s: the wizard's Metadata step: %s" % (
        user, problems)
    browser.click_xpath("//div[contains(@class,'modal-footer')]//button["
                        "contains(normalize-space(.), 'Cancel')]")
    browser.no_modal()
