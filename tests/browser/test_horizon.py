"""The OpenStack dashboard in a real browser (issue 18): `stratus
all-in-one --dashboard` as a process of its own on a fresh data directory,
Horizon 27 (tools/install-horizon.sh) beside it, headless Chromium driven
by selenium through what a new user does: log in, create a volume, launch
an instance through the wizard (image, flavor, network, security group,
key pair; the Metadata step offers the image service's definitions), see
it Active, open its log and its console (the serial console's terminal
in the page, noVNC on its own page), take it through the instance
actions (shut off, start, reboot, lock, pause, suspend, shelve, snapshot,
resize, attach an interface), attach the volume, delete the instance.

Every step leaves a screenshot and the page's HTML in the directory the
test prints ($STRATUS_TEST_ARTIFACTS, else the test's tmp_path), kept when
the test fails.
"""
import os
import re
import time
import urllib.parse

import pytest

from stratus import dashboard
from tests.browser import horizon

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("horizon_browser")]

SERVER = "horizon-vm"
VOLUME = "horizon-vol"


def test_a_new_user_launches_watches_attaches_and_deletes_in_horizon(
        aio, browser):
    started = time.monotonic()
    password = horizon.password_of(aio.data_dir)
    token = horizon.demo_token(aio, password)
    # The key pair the wizard picks (the only one of this user).
    horizon.api("POST", aio.compute_url + "/os-keypairs", token, {
        "keypair": {"name": "horizon-key"}})
    driver = browser.driver
    base = aio.dashboard_url
    try:
        _log_in(browser, base, password)
        _create_volume(browser, base)
        server_id = _launch(browser, base)
        _detail_tabs(browser, base, server_id)
        _instance_actions(browser, base, server_id)
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
    browser.wait(lambda d: _row_status(d, VOLUME) == "Available",
                 horizon.SETTLE,
                 "the volume did not become Available")
    browser.record("volume-available")


def _row_status(driver, name):
    """The Status cell of the table row named name, or None (found by its
    header: Horizon marks the cell status_up, status_down or
    status_unknown, but "warning" when the status asks for an action)."""
    from selenium.webdriver.common.by import By
    for table in driver.find_elements(By.CSS_SELECTOR, "table"):
        headers = [header.text.strip() for header in table.find_elements(
            By.CSS_SELECTOR, "thead tr:last-child th")]
        if "Status" not in headers:
            continue
        for row in table.find_elements(By.CSS_SELECTOR, "tbody tr"):
            cells = row.find_elements(By.CSS_SELECTOR, "td")
            if len(cells) == len(headers) and any(
                    cell.text.strip() == name for cell in cells):
                return cells[headers.index("Status")].text.strip()
    return None


def _launch(browser, base):
    from selenium.webdriver.common.by import By
    driver = browser.driver
    driver.get(base + "project/instances/")
    browser.click("#instances__action_launch-ng")
    browser.find("input[name='name']").send_keys(SERVER)
    browser.record("wizard-details")

    horizon.wizard_step(browser, "Source")
    # Boot from the image itself, not from a new volume.
    browser.click_xpath("//div[contains(@class,'modal')]//label[contains("
                        "@class,'btn') and normalize-space(.)='No']")
    browser.xpath("//div[contains(@class,'modal')]//tr[td[contains(., "
                  "'stratus-tiny')]]")
    _allocate_in_visible_step(browser, "stratus-tiny")
    browser.record("wizard-source")

    horizon.wizard_step(browser, "Flavor")
    _allocate_in_visible_step(browser, "m1.tiny")
    browser.record("wizard-flavor")

    horizon.wizard_step(browser, "Networks")
    _allocate_in_visible_step(browser, "private", optional=True)
    browser.record("wizard-networks")

    horizon.wizard_step(browser, "Security Groups")
    _allocated_contains(browser, "default")
    browser.record("wizard-security-groups")

    horizon.wizard_step(browser, "Key Pair")
    _allocate_in_visible_step(browser, "horizon-key", optional=True)
    browser.record("wizard-key-pair")

    horizon.metadata_step_offers_definitions(browser)
    browser.record("wizard-metadata")

    browser.click_xpath("//div[contains(@class,'modal-footer')]//button["
                        "contains(normalize-space(.), 'Launch Instance')]")
    browser.no_modal(horizon.SETTLE)
    browser.record("launched")
    browser.wait(lambda d: _row_status(d, SERVER) == "Active", horizon.SETTLE,
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
    # The Console tab: Horizon's serial console page in a frame, its
    # terminal connected to the guest's ttyS0 through the serial console
    # proxy (the fake guest's getty: a banner and a login prompt).
    driver.get(base + "project/instances/%s/?tab=instance_details__console"
               % server_id)
    frame = browser.find("#instance_details__console iframe, iframe")
    src = frame.get_attribute("src")
    assert src.rstrip("/").endswith("/%s/serial" % server_id), src
    driver.switch_to.frame(frame)
    try:
        terminal = browser.find(".terminal")
        browser.wait(lambda d: "login:" in terminal.text, message=(
            "the serial console shows no login prompt"))
        assert "Stratus simulated guest" in terminal.text, terminal.text
        browser.wait(lambda d: "Status: Open" in d.find_element(
            "css selector", "body").text, message="the socket is not open")
    finally:
        driver.switch_to.default_content()
    browser.record("instance-serial-console")
    # noVNC, which the settings can choose instead (CONSOLE_TYPE "VNC"):
    # Horizon's VNC page sends the browser to the noVNC proxy's.
    driver.get(base + "project/instances/%s/vnc" % server_id)
    browser.wait(lambda d: "token" in urllib.parse.unquote(d.current_url)
                 and d.execute_script("return document.readyState")
                 == "complete" and "noVNC" in (d.title + d.page_source),
                 message="the noVNC page did not load")
    browser.record("instance-vnc-console")


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


def _choose(browser, select_id, text):
    """Choose the option showing text in the dialog's themed select (a
    dropdown over the hidden <select id=select_id>)."""
    themed = ("//div[contains(@class,'modal')]//select[@id='%s']/parent::div"
              % select_id)
    browser.click_xpath(themed
                        + "//button[contains(@class,'dropdown-toggle')]")
    browser.click_xpath(themed + "//ul[contains(@class,'dropdown-menu')]"
                        "//a[contains(., '%s')]" % text)
    assert browser.driver.find_element(
        "css selector", "#" + select_id).get_attribute("value")


def _attach_volume(browser, base):
    driver = browser.driver
    driver.get(base + "project/instances/")
    browser.find("#instances")
    _row_action(browser, SERVER, "Attach Volume")
    _choose(browser, "id_volume", VOLUME)
    browser.record("attach-volume")
    browser.click(".modal-footer .btn-primary")
    browser.no_modal()
    driver.get(base + "project/volumes/")
    browser.wait(lambda d: _row_status(d, VOLUME) == "In-use", horizon.SETTLE,
                 "the volume did not become In-use")
    assert SERVER in browser.find("#volumes").text
    browser.record("volume-attached")


# The instance actions of the flow, in order, through the row's actions:
# (action, whether Horizon asks to confirm it, the status shown after).
# Lock and Unlock change no status: the row's lock icon shows them.
LOCKED, UNLOCKED = "locked", "unlocked"
INSTANCE_ACTIONS = (
    ("Shut Off Instance", True, "Shutoff"),
    ("Start Instance", False, "Active"),
    ("Soft Reboot Instance", True, "Active"),
    ("Lock Instance", False, LOCKED),
    ("Unlock Instance", False, UNLOCKED),
    ("Pause Instance", False, "Paused"),
    ("Resume Instance", False, "Active"),
    ("Suspend Instance", False, "Suspended"),
    ("Resume Instance", False, "Active"),
    ("Shelve Instance", False, "Shelved Offloaded"),
    ("Unshelve Instance", False, "Active"),
)
# The Action Log's entries for them and for the snapshot, the resize and
# the interface (Horizon's names; attach_interface as Nova records it).
LOGGED_ACTIONS = ("Stop", "Start", "Reboot", "Lock", "Unlock", "Pause",
                  "Unpause", "Suspend", "Resume", "Shelve", "Unshelve",
                  "Create Image", "Resize", "Confirm Resize",
                  "attach_interface")
SNAPSHOT = "horizon-snap"
NEW_FLAVOR = "m1.small"


def _instance_actions(browser, base, server_id):
    """Each action of INSTANCE_ACTIONS, then a snapshot (Active in
    Images), a resize (confirmed, the new flavor shown) and a second
    interface on "private"; the Action Log lists them all."""
    driver = browser.driver
    driver.get(base + "project/instances/")
    browser.find("#instances")
    for action, confirm, shown in INSTANCE_ACTIONS:
        _act_on_row(browser, action, confirm)
        if shown in (LOCKED, UNLOCKED):
            browser.wait(lambda d: _row_locked(d, SERVER) == (
                shown == LOCKED), horizon.SETTLE, "the row is not %s" % shown)
        else:
            browser.wait(lambda d: _row_status(d, SERVER) == shown,
                         horizon.SETTLE,
                         "%s: the instance did not become %s (%s)" % (
                             action, shown, _row_status(driver, SERVER)))
        browser.record("action-" + action.split()[0].lower())

    _act_on_row(browser, "Create Snapshot", form=lambda: browser.find(
        ".modal #id_name").send_keys(SNAPSHOT))
    # Horizon goes on to Images (which does not update itself), where
    # the snapshot turns Active.
    _reloading_until(browser, lambda d: "Active" in _row_text(d, SNAPSHOT),
                     "the snapshot did not become Active")
    browser.record("action-snapshot")

    driver.get(base + "project/instances/")
    browser.find("#instances")
    _act_on_row(browser, "Resize Instance",
                form=lambda: _choose(browser, "id_flavor", NEW_FLAVOR))
    browser.wait(lambda d: _row_status(d, SERVER)
                 == "Confirm or Revert Resize/Migrate", horizon.SETTLE,
                 "the resize did not wait for its confirmation")
    _act_on_row(browser, "Confirm Resize/Migrate")
    browser.wait(lambda d: _row_status(d, SERVER) == "Active"
                 and NEW_FLAVOR in _row_text(d, SERVER), horizon.SETTLE,
                 "the resized instance is not Active on %s" % NEW_FLAVOR)
    browser.record("action-resize")

    addresses = len(_addresses(_row_text(driver, SERVER)))
    _act_on_row(browser, "Attach Interface",
                form=lambda: _choose(browser, "id_network", "private"))
    _reloading_until(browser, lambda d: len(_addresses(_row_text(
        d, SERVER))) > addresses, "no second address on the instance")
    browser.record("action-attach-interface")

    driver.get(base + "project/instances/%s/?tab=instance_details__audit"
               % server_id)
    logged = {cell.text.strip() for cell in browser.find(
        "#instance_details__audit table").find_elements(
        "css selector", "tbody td")}
    assert not set(LOGGED_ACTIONS) - logged, (
        "not in the Action Log: %s" % sorted(set(LOGGED_ACTIONS) - logged))
    browser.record("action-log")


def _act_on_row(browser, action, confirm=False, form=None):
    """Choose the instance row's action; confirm it, or fill its dialog
    (form) and submit; wait for the page Horizon loads after it."""
    driver = browser.driver
    driver.execute_script("window.stratusBefore = true;")
    _row_action(browser, SERVER, action)
    if form is not None:
        form()
        browser.click(".modal-footer .btn-primary")
    elif confirm:
        browser.click(".modal-footer .btn-danger, .modal-footer .btn-primary")
    browser.wait(lambda d: d.execute_script(
        "return !window.stratusBefore && document.readyState == 'complete'"),
        horizon.SETTLE, "%s: no page after it" % action)


def _reloading_until(browser, condition, message, every=3):
    """condition's first true answer, the page reloaded every few
    seconds meanwhile (for what a page shows only when it loads)."""
    from selenium.common.exceptions import TimeoutException
    deadline = time.monotonic() + horizon.SETTLE
    while True:
        try:
            return browser.wait(condition, every, message)
        except TimeoutException:
            if time.monotonic() > deadline:
                raise
            browser.driver.refresh()


def _row_text(driver, name):
    """The text of the table row whose cells name name ("" if none)."""
    from selenium.webdriver.common.by import By
    for row in driver.find_elements(By.CSS_SELECTOR, "table tbody tr"):
        if any(cell.text.strip() == name for cell in row.find_elements(
                By.CSS_SELECTOR, "td")):
            return row.text
    return ""


def _row_locked(driver, name):
    """Whether the row named name shows the lock icon (None: no row)."""
    from selenium.webdriver.common.by import By
    row = ("//tr[td[normalize-space(.)='%s' or .//a[normalize-space(.)="
           "'%s']]]" % (name, name))
    if not driver.find_elements(By.XPATH, row):
        return None
    return bool(driver.find_elements(
        By.XPATH, row + "//span[contains(concat(' ', @class, ' '), "
        "' fa-lock ')]"))


def _addresses(text):
    return re.findall(r"\b\d{1,3}(?:\.\d{1,3}){3}\b", text)


def _delete(browser, base):
    driver = browser.driver
    driver.get(base + "project/instances/")
    browser.find("#instances")
    _row_action(browser, SERVER, "Delete Instance")
    browser.click(".modal-footer .btn-danger, .modal-footer .btn-primary")
    browser.no_modal()
    browser.wait(lambda d: SERVER not in d.find_element(
        "css selector", "#instances").text, horizon.SETTLE,
        "the instance is still listed")
    browser.record("instance-deleted")
