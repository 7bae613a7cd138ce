#!/usr/bin/python3
"""The web console end to end, in Debian's real Chromium (headless) driven by
python3-selenium, against the real loaxad and loaxa-web that run.sh started
on the PulseAudio null sink of the system tests.  Each flow of issue 12:

  log in; add a bulletin and see the lint's finding in the text; "Nghe thử"
  plays (the <audio> element gets a duration); a title that is markup shows
  as text with no dialog; record a bulletin through Chromium's fake
  microphone and listen before saving; approve drafts as the approver;
  queue a bulletin and watch "Đang phát" at its slot; air the recording and
  find the microphone's audio in what the sink received; download the
  month's XLSX as the officer and read it with LibreOffice, equal to
  `loaxa log`; screenshots of every page at 1280 and 360 px.

Environment (from run.sh): WEB_URL, S (the test's folder), TOP, MIC (the
fake microphone's WAV), LOAXA_CONFIG.  Prints "e2e: N passed, N failed".
"""
import csv
import glob
import io
import json
import re
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

URL = os.environ["WEB_URL"]
S = os.environ["S"]
TOP = os.environ["TOP"]
MIC = os.environ["MIC"]
PW = "mat-khau-123"
SCREENS = os.path.join(TOP, "tests/web/screens")
DOWNLOADS = os.path.join(S, "downloads")

passed = failed = 0


def check(what, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what + (": " + str(detail) if detail else ""), file=sys.stderr)
    return cond


def sh(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def loaxa(*args):
    r = sh(os.path.join(TOP, "loaxa"), *args, env=dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8"))
    return r.stdout


def browser():
    os.environ["LANGUAGE"] = "vi"  # Chromium's own words (date fields) in Vietnamese
    o = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
              "--disable-dev-shm-usage", "--mute-audio", "--lang=vi",
              "--autoplay-policy=no-user-gesture-required",
              "--user-data-dir=" + os.path.join(S, "chromium"),
              "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              "--use-file-for-fake-audio-capture=" + MIC]:
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    o.add_experimental_option("prefs", {"download.default_directory": DOWNLOADS, "intl.accept_languages": "vi-VN,vi",
                                        "download.prompt_for_download": False})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": DOWNLOADS})
    d.set_window_size(1280, 900)
    return d


d = browser()
wait = WebDriverWait(d, 30)


def by_id(i):
    return d.find_element(By.ID, i)


def visible(i, timeout=30):
    return WebDriverWait(d, timeout).until(EC.visibility_of_element_located((By.ID, i)))


def text_in(i, s, timeout=30):
    try:
        WebDriverWait(d, timeout).until(EC.text_to_be_present_in_element((By.ID, i), s))
        return True
    except TimeoutException:
        return False


def goto(view):
    d.get(URL + "/#/" + view)
    d.refresh()
    time.sleep(0.8)


def login(name):
    d.get(URL + "/")
    visible("login-name").send_keys(name)
    by_id("login-password").send_keys(PW)
    by_id("login-submit").click()
    return text_in("who-name", name)


def logout():
    by_id("logout").click()
    visible("login-name")


def no_alert():
    try:
        WebDriverWait(d, 2).until(EC.alert_is_present())
        d.switch_to.alert.dismiss()
        return False
    except (TimeoutException, NoAlertPresentException):
        return True


def screenshot(name):
    """The whole page at 1280 and at 360 px wide."""
    os.makedirs(SCREENS, exist_ok=True)
    d.execute_script("document.getElementById('flash').hidden = true")
    for w in (1280, 360):
        d.set_window_size(w, 900)
        time.sleep(0.6)
        h = d.execute_script("return Math.max(document.documentElement.scrollHeight, 600)")
        d.set_window_size(w, min(h + 20, 4000))
        time.sleep(0.4)
        d.save_screenshot(os.path.join(SCREENS, "%s-%d.png" % (name, w)))
    d.set_window_size(1280, 900)


def audio_duration(i, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        v = d.execute_script("var a = document.getElementById(arguments[0]);"
                             " return a && isFinite(a.duration) ? a.duration : 0;", i)
        if v and v > 0:
            return v
        time.sleep(0.3)
    return 0


def log_rows():
    try:
        return json.loads(loaxa("log", "--format", "json"))
    except ValueError:
        return []


def wait_until(what, fn, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if fn():
            return True
        time.sleep(0.5)
    return False


# ---- log in, the login page first ----
d.get(URL + "/")
visible("login-name")
screenshot("login")
check("the login page is Vietnamese", by_id("login-submit").text == "Đăng nhập", by_id("login-submit").text)
by_id("login-name").send_keys("op")
by_id("login-password").send_keys("wrong-password")
by_id("login-submit").click()
check("a wrong password is refused in Vietnamese", text_in("login-error", "không đúng"))
check("log in as the operator", login("op"))
check("the operator's menu has no users page", not by_id("nav").find_elements(By.CSS_SELECTOR, "a[href='#/users']")[0].is_displayed())

# ---- a bulletin with a lint finding ----
goto("bulletin/new")
by_id("ed-title").send_keys("Nộp hồ sơ trực tuyến")
Select(by_id("ed-topic")).select_by_value("tthc")
by_id("ed-text").send_keys("Người dân có thể nộp hồ sơ trên Cổng dịch vụ công. Liên hệ XYZQ để biết thêm.")
by_id("ed-save").click()
check("the bulletin is saved", text_in("ed-heading", "Bản tin 1"))
marks = d.find_elements(By.CSS_SELECTOR, "#ed-lintview mark")
check("the lint's finding is marked in the text", [m.text for m in marks] == ["XYZQ"], [m.text for m in marks])
check("and said in Vietnamese", "XYZQ" in by_id("ed-findings").text and "chữ viết tắt" in by_id("ed-findings").text,
      by_id("ed-findings").text)
screenshot("bulletin")

# ---- "Nghe thử" ----
by_id("ed-listen").click()
dur = audio_duration("ed-audio")
check("Nghe thử plays: the <audio> has a duration (%.1f s)" % dur, dur > 0.5)

# ---- markup in a title is text ----
xss = "<img src=x onerror=alert(1)>"
goto("bulletin/new")
by_id("ed-title").send_keys(xss)
by_id("ed-text").send_keys("Xin chào bà con.")
by_id("ed-save").click()
text_in("ed-heading", "Bản tin 2")
goto("bulletins")
links = [a.text for a in d.find_elements(By.CSS_SELECTOR, "#bul-table a")]
check("the title shows as text", xss in links, links)
check("no <img> was made of it", not d.find_elements(By.CSS_SELECTOR, "main img"))
check("no dialog opened", no_alert())
screenshot("bulletins")

# ---- record through the fake microphone, listen before saving ----
goto("record")
screenshot("record")
by_id("rec-start").click()
time.sleep(6)
by_id("rec-stop").click()
visible("rec-form")
dur = audio_duration("rec-audio")
check("the recording can be heard before it is saved (%.1f s)" % dur, dur > 4)
m, s = (by_id("rec-clock").text + ":x").split(":")[:2]
clock = int(m) * 60 + int(s) if (m + s).isdigit() else -1
check("the clock shows the length recorded (%s for %.1f s)" % (by_id("rec-clock").text, dur), abs(clock - dur) <= 0.5 + 1e-9,
      by_id("rec-clock").text)
by_id("rec-title").send_keys("Thông báo ghi âm")
by_id("rec-airings").clear()
by_id("rec-airings").send_keys("0")  # aired by hand only, not by rotation
Select(by_id("rec-topic")).select_by_value("khac")
# where it may air, as the text form asks it (aired below to thon-2)
check("the recording form offers the zones, none ticked",
      [(c.get_attribute("value"), c.is_selected()) for c in d.find_elements(By.CSS_SELECTOR, "#rec-bzones input")]
      == [("thon-1", False), ("thon-2", False)])
by_id("rec-bzone-thon-2").click()
screenshot("record-saving")
by_id("rec-save").click()
check("the recording is saved as bulletin 3", text_in("ed-heading", "Bản tin 3"))
rows = json.loads(loaxa("bulletin", "show", "3", "--format", "json"))
check("bulletin 3 has its recording", rows.get("audio_clip_id"), rows)
check("bulletin 3 may air to thon-2 only, as ticked", rows.get("zones") == "thon-2", rows)
logout()

# ---- the approver ----
check("log in as the approver", login("lead"))
goto("approvals")
items = d.find_elements(By.CSS_SELECTOR, "#appr-list button")
check("three drafts wait", len(items) == 3, [i.text for i in items])
items[0].click()
visible("appr-detail")
screenshot("approvals")
by_id("appr-approve").click()
check("approval is refused while the text would sound wrong", text_in("flash", "lỗi sẽ nghe thấy khi phát"))
visible("appr-force-box")
by_id("appr-force").click()
by_id("appr-approve").click()
check("approved anyway, knowingly", text_in("flash", "Đã duyệt"))
time.sleep(1)
for b in d.find_elements(By.CSS_SELECTOR, "#appr-list button"):
    if b.text.startswith("#3 "):
        b.click()
        visible("appr-detail")
        time.sleep(0.5)
        by_id("appr-approve").click()
        check("the recording is approved", text_in("flash", "Đã duyệt"))
        break
state = {b["id"]: b["state"] for b in json.loads(loaxa("bulletin", "list", "--format", "json"))}
check("bulletins 1 and 3 are approved, 2 waits", state == {1: "approved", 2: "draft", 3: "approved"}, state)
logout()

# ---- queue to a slot, watch "Đang phát" ----
check("log in as the operator again", login("op"))
goto("bulletin/1")
visible("ed-after")
Select(by_id("ed-slot")).select_by_value("thu")
by_id("ed-queue").click()
check("queued", text_in("flash", "Đã xếp lịch"))
# the slot comes 20 s from now: the daemon re-reads its configuration
slot_at = time.time() + 20
conf = open(os.environ["LOAXA_CONFIG"]).read().replace("2099-01-01 03:00:00", time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(slot_at)))
open(os.environ["LOAXA_CONFIG"], "w").write(conf)
rl = sh(os.path.join(TOP, "loaxa"), "reload")
check("the daemon takes the new slot", rl.returncode == 0, rl.stderr)
goto("dashboard")
check("Đang phát appears at the slot", text_in("dash-playing", "Đang phát", timeout=90), by_id("dash-playing").text)
screenshot("dashboard")
check("the slot airing completes", wait_until("completed", lambda: any(r["slot"] == "thu" and r["status"] == "completed" for r in log_rows()), 120))

# ---- air the recording now; find it in what the sink received ----
sink = os.path.join(S, "sink.wav")
parec = subprocess.Popen(["parec", "-d", "loa.monitor", "--format=s16le", "--rate=48000", "--channels=1",
                          "--file-format=wav", sink])
time.sleep(0.5)
goto("bulletin/3")
visible("ed-after")
# the zone picker: thon-2 only
visible("ed-zones-box")
check("the zone picker offers the configuration's zones",
      [c.get_attribute("value") for c in d.find_elements(By.CSS_SELECTOR, "#ed-zones input")] == ["thon-1", "thon-2"])
by_id("ed-zone-thon-2").click()
by_id("ed-air").click()
check("Phát ngay is accepted, said as the CLI says it", text_in("flash", "Phát bản tin 3 ngay") and "bad" not in by_id("flash").get_attribute("class"),
      by_id("flash").text)
check("the recording airs and completes",
      wait_until("aired", lambda: any(r["bulletin_id"] == 3 and r["slot"] is None and r["status"] == "completed"
                                      for r in log_rows()), 120))
check("it went to the zone ticked, thon-2 only",
      [r["zones"] for r in log_rows() if r["bulletin_id"] == 3 and r["slot"] is None] == ["thon-2"],
      [r["zones"] for r in log_rows() if r["bulletin_id"] == 3])
time.sleep(1)
parec.terminate()
parec.wait()
r = sh(os.path.join(TOP, "tests/web/wavfind"), MIC, os.path.join(S, "sink.wav"))
check("the microphone's audio is in what the sink received: " + r.stdout.strip(), r.returncode == 0, r.stderr)
r2 = sh(os.path.join(TOP, "tests/web/wavfind"), os.path.join(S, "other.wav"), os.path.join(S, "sink.wav"),
        env=dict(os.environ, WAVFIND_MIN="0.5"))
check("and a sound that was not aired is not: " + r2.stdout.strip(), r2.returncode == 1, r2.stderr)
row = [r for r in log_rows() if r["bulletin_id"] == 3][0]
check("the log names who approved and who aired it", row["approved_by"] == "lead" and row["asked_by"] == "op", row)

# ---- regions: the station's voice and region on the dashboard; a bulletin read as in the South ----
goto("dashboard")
check("the dashboard shows the voice and the region", text_in("dash-voice", "vi · miền Bắc"), by_id("dash-voice").text)
goto("bulletin/new")
opts = [(o.get_attribute("value"), o.text) for o in Select(by_id("ed-region")).options]
check("the form offers the station's region and the three",
      opts == [("station", "theo vùng của đài (miền Bắc)"), ("north", "miền Bắc"), ("central", "miền Trung"),
               ("south", "miền Nam")], opts)
by_id("ed-title").send_keys("Giá lúa cho bà con miền Nam")
Select(by_id("ed-topic")).select_by_value("khac")
Select(by_id("ed-region")).select_by_value("south")
by_id("ed-text").send_keys("Giá lúa tươi 7.500 đồng/kg.")
by_id("ed-save").click()
check("the southern bulletin is saved as bulletin 4", text_in("ed-heading", "Bản tin 4"))
b4 = json.loads(loaxa("bulletin", "show", "4", "--format", "json"))
check("bulletin 4 is kept as read in the South", b4.get("region") == "south", b4)
goto("bulletin/4")
check("reopened, the form says the South", Select(by_id("ed-region")).first_selected_option.get_attribute("value") == "south")
Select(by_id("ed-region")).select_by_value("station")
by_id("ed-save").click()
check("given back to the station", text_in("ed-heading", "phiên bản 2") and
      json.loads(loaxa("bulletin", "show", "4", "--format", "json")).get("region") is None, by_id("ed-heading").text)

# ---- the microphone on air from the dashboard: the same ops_live() as `loaxa live` ----
goto("dashboard")
try:
    live_btn = visible("dash-live")
except TimeoutException:
    live_btn = None
check("the operator sees Phát trực tiếp", live_btn is not None and live_btn.text == "Phát trực tiếp",
      live_btn.text if live_btn else "hidden")
if live_btn:
    live_btn.click()
check("Phát trực tiếp is accepted, said as the CLI says it", text_in("flash", "Phát trực tiếp từ micrô"),
      by_id("flash").text)
check("the dashboard shows the microphone on air, in words", text_in("dash-playing", "phát trực tiếp từ micrô", timeout=30),
      by_id("dash-playing").text)
try:
    end_btn = visible("dash-live-stop")
except TimeoutException:
    end_btn = None
check("and offers Kết thúc phát trực tiếp", end_btn is not None and end_btn.text == "Kết thúc phát trực tiếp",
      end_btn.text if end_btn else "hidden")
screenshot("dashboard-live")
time.sleep(2)
if end_btn:
    end_btn.click()
live_rows = lambda: [r for r in log_rows() if r["program"] == "live" and r["kind"] == "relay"]
check("ended from the dashboard: logged completed, with its recording, asked by op",
      wait_until("live logged", lambda: any(r["status"] == "completed" and r["recording"] and
                                            os.path.exists(r["recording"]) and r["asked_by"] == "op"
                                            for r in live_rows()), 60), live_rows())
# ---- a bulletin's zones: ticked in the form, kept as `bulletin add --zones` keeps them, shown in the list ----
goto("bulletin/new")
visible("ed-bzones-box")
boxes = lambda: [(c.get_attribute("value"), c.is_selected()) for c in d.find_elements(By.CSS_SELECTOR, "#ed-bzones input")]
check("the form offers the configuration's zones, none ticked", boxes() == [("thon-1", False), ("thon-2", False)], boxes())
by_id("ed-title").send_keys("Mất điện thôn 2")
Select(by_id("ed-topic")).select_by_value("khac")
by_id("ed-text").send_keys("Thôn 2 mất điện từ 8 giờ đến 11 giờ.")
by_id("ed-bzone-thon-2").click()
screenshot("bulletin-zones")
by_id("ed-save").click()
check("the bulletin for thôn 2 is saved as bulletin 5", text_in("ed-heading", "Bản tin 5"), by_id("ed-heading").text)
b5 = json.loads(loaxa("bulletin", "show", "5", "--format", "json"))
check("bulletin 5 may air to thon-2 only", b5.get("zones") == "thon-2", b5)
goto("bulletin/5")
check("reopened, thon-2 is ticked and thon-1 is not", boxes() == [("thon-1", False), ("thon-2", True)], boxes())
goto("bulletins")
zcell = {r.find_element(By.CSS_SELECTOR, "td").text: r.find_element(By.CSS_SELECTOR, "td.zones").text
         for r in d.find_elements(By.CSS_SELECTOR, "#bul-table tbody tr")}
check("the list shows each bulletin's zones", zcell.get("5") == "thon-2" and zcell.get("4") == "mọi cụm loa", zcell)
screenshot("bulletins-zones")
# every zone ticked is every zone (ops_zones_parse(), as `bulletin edit --zones thon-1,thon-2`);
# then thon-1 alone; then none: every zone again ("all")
shown = lambda: json.loads(loaxa("bulletin", "show", "5", "--format", "json")).get("zones", "?")
goto("bulletin/5")
by_id("ed-bzone-thon-1").click()
by_id("ed-save").click()
check("both ticked: every zone, and the form shows none ticked",
      text_in("ed-heading", "phiên bản 2") and shown() is None and boxes() == [("thon-1", False), ("thon-2", False)],
      (by_id("ed-heading").text, shown(), boxes()))
by_id("ed-bzone-thon-1").click()
by_id("ed-save").click()
check("thon-1 alone", text_in("ed-heading", "phiên bản 3") and shown() == "thon-1", (by_id("ed-heading").text, shown()))
by_id("ed-bzone-thon-1").click()
by_id("ed-save").click()
check("none ticked: every zone again", text_in("ed-heading", "phiên bản 4") and
      json.loads(loaxa("bulletin", "show", "5", "--format", "json")).get("zones") is None, by_id("ed-heading").text)
logout()

# ---- the officer's XLSX, read with LibreOffice ----
check("log in as the officer", login("officer"))
goto("log")
month = time.strftime("%Y-%m")
text_in("log-table", "Thông báo ghi âm")
check("the log shows who approved and who aired", "lead" in by_id("log-table").text and "op" in by_id("log-table").text)
lt = by_id("log-table").text
check("the log's times and lengths read as in Vietnamese (11:03 26/11/2026, 6,1)",
      re.search(r"\d\d:\d\d \d\d/\d\d/20\d\d", lt) and re.search(r"\b\d+,\d\b", lt) and not re.search(r"20\d\d-\d\d-\d\d", lt), lt)
screenshot("log")
os.makedirs(DOWNLOADS, exist_ok=True)
by_id("log-xlsx").click()
got = []
wait_until("download", lambda: bool(got.extend(glob.glob(os.path.join(DOWNLOADS, "*.xlsx"))) or got), 30)
check("the month's XLSX is downloaded", got, os.listdir(DOWNLOADS) if os.path.isdir(DOWNLOADS) else "none")
if got:
    cli_xlsx = os.path.join(S, "cli", "nhat-ky-%s.xlsx" % month)
    os.makedirs(os.path.dirname(cli_xlsx), exist_ok=True)
    loaxa("log", "--month", month, "--format", "xlsx", "-o", cli_xlsx)

    def as_csv(path, outdir):
        os.makedirs(outdir, exist_ok=True)
        sh("soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
           "--outdir", outdir, path, timeout=180)
        f = os.path.join(outdir, os.path.basename(path)[:-5] + ".csv")
        return list(csv.reader(io.open(f, encoding="utf-8"))) if os.path.exists(f) else None

    web = as_csv(got[0], os.path.join(S, "csv-web"))
    cli = as_csv(cli_xlsx, os.path.join(S, "csv-cli"))
    check("LibreOffice reads it", web and len(web) > 3, web)
    check("it holds the recorded bulletin and who approved it",
          web and any("Thông báo ghi âm" in r and "lead" in r and "op" in r for r in web), web)
    check("it is what `loaxa log --format xlsx` writes, cell for cell", web == cli and web is not None,
          [(w, c) for w, c in zip(web or [], cli or []) if w != c][:3] or (web, cli))
goto("report")
# this month is not over: its result is "in progress", and it is named in words
check("the report calls this month in progress, in words",
      text_in("rep-table", "đang thực hiện") and ("Tháng %d/%s" % (int(month[5:]), month[:4])) in by_id("rep-table").text,
      by_id("rep-table").text)
screenshot("report")
goto("schedule")
check("the schedule names the month in words", text_in("sched-cchc", "Tháng %d/%s" % (int(month[5:]), month[:4])),
      by_id("sched-cchc").text)
screenshot("schedule")
logout()

# ---- every other page, as the admin ----
check("log in as the admin", login("admin"))
for view in ("clips", "users", "config"):
    goto(view)
    screenshot(view)
goto("dashboard")
check("an admin sees every page in the menu", all(a.is_displayed() for a in d.find_elements(By.CSS_SELECTOR, "#nav a")))
untranslated = d.execute_script(
    "return Array.from(document.querySelectorAll('[data-i18n]')).filter(e => e.textContent === e.dataset.i18n).map(e => e.dataset.i18n)")
check("no key is shown untranslated", not untranslated, untranslated)
# English too
by_id("lang-switch").click()
check("English is a click away", text_in("dash-onair", "On air now"))
by_id("lang-switch").click()
check("no console errors from our pages",
      not [l for l in d.get_log("browser") if l["level"] == "SEVERE" and "/api/v1/" not in l["message"]],
      [l["message"] for l in d.get_log("browser")])
d.quit()

print("e2e: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
