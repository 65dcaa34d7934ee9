#!/usr/bin/env python3
"""End-to-end test of the page `rag serve` serves at `/`, in headless Chromium.

    python3 Tests/Browser/page_test.py --rag .build/debug/rag [--models models] [--screenshot .build/browser/page.png]
    python3 Tests/Browser/page_test.py --base-url http://127.0.0.1:8282   # a server already running

Without --base-url it indexes a copy of corpora/veldmoor into a temporary index, starts
`rag serve --port 0 --api-key KEY` on 127.0.0.1 and stops it at the end. In the browser it: enters
the API key when the page asks; asks a question the corpus answers and waits for the streamed answer
and its sources; opens a source's full passage (and closes it with Escape); takes a screenshot;
uploads a Markdown file with a made-up fact, asks about it with strategy `single` and checks a
source from that file is cited; removes the file through the page.

Exit 0 on success, 1 with a one-line reason. Without chromium, chromedriver or selenium it prints
"[browser] skipped: ..." and exits 0, or 1 when CI=true.
Browser deps (Debian 12): apt-get install -y chromium chromium-driver; pip install selenium
"""
import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QUESTION = "Which river flows through Veldmoor?"     # corpora/questions.jsonl veldmoor-04: "Sallow"
WORD = "glimmerwock"                                 # the uploaded file's made-up fact
UPLOAD_NAME = f"{WORD}-notes.md"
UPLOAD_TEXT = f"""# The {WORD.capitalize()} of Quillon Glade

The {WORD} is a small grey beast that lives only in Quillon Glade. Every {WORD} eats brass thimbles
and nothing else, and it sleeps for exactly nineteen days after each meal.
"""
ANSWER_TIMEOUT = 120


class Failure(Exception):
    pass


def log(message):
    print(f"[browser] {message}", flush=True)


def skip(reason):
    if os.environ.get("CI", "").lower() == "true":
        print(f"[browser] FAIL: {reason} (required when CI=true)", flush=True)
        sys.exit(1)
    log(f"skipped: {reason}")
    sys.exit(0)


def find_browser():
    """(chromium, chromedriver) paths, or skips."""
    chromium = next((p for p in map(shutil.which, ["chromium", "chromium-browser", "google-chrome", "chrome"]) if p), None)
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    if not chromium or not driver:
        skip("chromium or chromedriver not found (apt-get install -y chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        skip("selenium not installed (pip install selenium)")
    return chromium, driver


class Server:
    """`rag serve` on a temporary index of corpora/veldmoor, on a free port, with an API key."""

    def __init__(self, rag, models, workdir):
        self.rag, self.models, self.workdir = rag, models, workdir
        self.key = secrets.token_hex(12)
        self.process = None
        self.lines = []
        self.url = None

    def start(self):
        corpora = self.workdir / "corpora"
        shutil.copytree(REPO / "corpora", corpora)
        index = self.workdir / "index"
        embed = self.models / "all-MiniLM-L6-v2"
        model = self.models / "qwen2.5-coder-0.5b-instruct.gguf"
        for path in (embed, model):
            if not path.exists():
                raise Failure(f"model missing: {path}")
        # Only the documents: questions.jsonl holds the answers and is not part of the corpus.
        ingest = subprocess.run([self.rag, "ingest", str(corpora / "veldmoor"), "--index", str(index),
                                 "--embedding-model", str(embed), "--quiet"], capture_output=True, text=True, timeout=120)
        if ingest.returncode != 0:
            raise Failure(f"rag ingest failed ({ingest.returncode}): {ingest.stderr.strip()[-300:]}")
        self.process = subprocess.Popen(
            [self.rag, "serve", "--index", str(index), "--host", "127.0.0.1", "--port", "0", "--api-key", self.key,
             "--model", str(model), "--embedding-model", str(embed)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "RAG_API_KEY": ""})
        found = threading.Event()

        def read():
            for line in self.process.stderr:   # drained to the end, so the pipe never fills
                self.lines.append(line.rstrip())
                if self.url is None and "rag serve: listening on " in line:
                    self.url = line.split("listening on ", 1)[1].split()[0].rstrip("/")
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(90) or self.url is None:
            raise Failure("rag serve did not start: " + (" | ".join(self.lines[-3:]) or "no output"))
        log(f"rag serve at {self.url}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run(args, base_url, api_key, workdir):
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                 "--no-first-run", "--disable-extensions", "--disable-background-networking"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    driver = webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)
    driver.set_page_load_timeout(30)
    el = lambda css: driver.find_element(By.CSS_SELECTOR, css)
    els = lambda css: driver.find_elements(By.CSS_SELECTOR, css)
    text = lambda css: driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.textContent : ''", css)

    def wait(condition, seconds, what):
        try:
            return WebDriverWait(driver, seconds, poll_frequency=0.25).until(lambda d: condition())
        except TimeoutException:
            errors = " ".join(t for t in (text("#ask-error"), text("#docs-error")) if t)
            raise Failure(f"timed out after {seconds}s waiting for {what}" + (f"; page says: {errors}" if errors else ""))

    def enter_key_if_asked(seconds=5):
        """The page asks for the API key after a 401: enter it once."""
        try:
            WebDriverWait(driver, seconds, 0.2).until(lambda d: el("#auth-dialog").get_attribute("open") is not None)
        except TimeoutException:
            return False
        if not api_key:
            raise Failure("the page asks for an API key: pass --api-key or set RAG_API_KEY")
        el("#api-key").send_keys(api_key + Keys.ENTER)
        wait(lambda: el("#auth-dialog").get_attribute("open") is None, 5, "the key dialog to close")
        log("entered the API key in the page's form")
        return True

    def ask(question, strategy):
        Select(el("#strategy")).select_by_value(strategy)
        box = el("#question")
        box.clear()
        box.send_keys(question + Keys.ENTER)     # Enter submits
        wait(lambda: not el("#stop").get_property("disabled") or text("#meta") or text("#ask-error"), 10, "the answer to start")
        start = time.monotonic()
        wait(lambda: text("#meta") or text("#ask-error"), ANSWER_TIMEOUT, "the answer")
        if text("#ask-error"):
            raise Failure(f"asking {question!r}: {text('#ask-error')}")
        if not text("#answer").strip():
            raise Failure(f"empty answer to {question!r}")
        sources = els("#sources li.source")
        if not sources:
            raise Failure(f"no sources shown for {question!r}")
        log(f"answer in {time.monotonic() - start:.1f}s: {text('#answer').strip()[:80]!r}; {len(sources)} source(s); {text('#meta')}")
        return sources

    def document_names():
        return driver.execute_script("return [...document.querySelectorAll('#documents li')].map(li => li.dataset.name)")

    try:
        driver.get(base_url + "/")
        wait(lambda: els("#question"), 10, "the page")
        if driver.title != "rag":
            raise Failure(f"unexpected page title {driver.title!r}")
        enter_key_if_asked()
        wait(lambda: els("#documents li") or text("#docs-error"), 15, "the documents list")
        if text("#docs-error"):
            raise Failure(f"documents list: {text('#docs-error')}")
        log(f"{len(els('#documents li'))} documents listed")

        # 1. A question the corpus answers.
        sources = ask(QUESTION, "auto")
        if not els("#sources mark"):
            raise Failure("no words of the question are highlighted in the sources")
        sources[0].find_element(By.CSS_SELECTOR, ".source-open").click()
        wait(lambda: el("#passage-dialog").is_displayed(), 5, "the passage dialog")
        passage = el("#passage-text")
        if not passage.is_displayed() or len(passage.text.strip()) < 20:
            raise Failure("the full passage is not visible in the dialog")
        log(f"full passage shown ({len(passage.text)} characters)")
        driver.switch_to.active_element.send_keys(Keys.ESCAPE)   # Escape closes it
        wait(lambda: not el("#passage-dialog").is_displayed(), 5, "Escape to close the passage dialog")
        shot = Path(args.screenshot)
        shot.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shot))
        log(f"screenshot: {shot}")

        # 2. Upload a file, ask about it, remove it.
        upload = workdir / UPLOAD_NAME
        upload.write_text(UPLOAD_TEXT)
        if UPLOAD_NAME in document_names():
            raise Failure(f"{UPLOAD_NAME} is already indexed (left over from an earlier run?)")
        args.uploaded = True
        el("#file-input").send_keys(str(upload))
        wait(lambda: UPLOAD_NAME in document_names() or text("#docs-error"), 60, f"{UPLOAD_NAME} in the documents list")
        if text("#docs-error"):
            raise Failure(f"upload: {text('#docs-error')}")
        log(f"uploaded {UPLOAD_NAME}: {text('#upload-status')}")

        sources = ask(f"What does the {WORD} eat?", "single")
        cited = driver.execute_script("return [...document.querySelectorAll('#sources li.source')].map(li => li.dataset.document)")
        if UPLOAD_NAME not in cited:
            raise Failure(f"the answer about the upload does not cite {UPLOAD_NAME}: {cited}")
        log(f"{UPLOAD_NAME} cited")

        driver.execute_script("[...document.querySelectorAll('#documents li')].find(li => li.dataset.name === arguments[0])"
                              ".querySelector('button.remove').focus()", UPLOAD_NAME)
        driver.switch_to.active_element.send_keys(Keys.ENTER)   # the keyboard alone
        try:
            WebDriverWait(driver, 5).until(lambda d: d.switch_to.alert)
            driver.switch_to.alert.accept()
        except (TimeoutException, NoAlertPresentException):
            raise Failure("no confirm before removing a document")
        wait(lambda: UPLOAD_NAME not in document_names() or text("#docs-error"), 30, f"{UPLOAD_NAME} to leave the list")
        if text("#docs-error"):
            raise Failure(f"remove: {text('#docs-error')}")
        args.uploaded = False
        log(f"removed {UPLOAD_NAME}")

        severe = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"
                  and "401" not in e["message"] and "favicon" not in e["message"]]
        if severe:
            raise Failure(f"console errors: {severe[0][:200]}")
    except WebDriverException as e:
        raise Failure(f"browser: {e.msg or e}".splitlines()[0])
    finally:
        driver.quit()


def check_page(base_url):
    """GET / answers the page, without auth, before a browser starts."""
    try:
        with urllib.request.urlopen(base_url + "/", timeout=10) as response:
            kind = response.headers.get("Content-Type", "")
            if not kind.startswith("text/html"):
                raise Failure(f"GET / answered {kind or 'no Content-Type'}, not text/html")
    except urllib.error.HTTPError as e:
        why = "it must be served without the API key" if e.code == 401 else "this rag does not serve the page"
        raise Failure(f"GET / answered HTTP {e.code}: {why}")
    except urllib.error.URLError as e:
        raise Failure(f"GET / failed: {e.reason}")


def cleanup_upload(base_url, api_key):
    """With --base-url, removes the uploaded file when the page did not."""
    request = urllib.request.Request(base_url + "/v1/documents/" + urllib.parse.quote(UPLOAD_NAME, safe=""), method="DELETE")
    if api_key:
        request.add_header("Authorization", "Bearer " + api_key)
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except OSError:
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rag", help="the rag binary (default: .build/debug/rag, else .build/release/rag)")
    p.add_argument("--models", default=str(REPO / "models"), help="folder with the models (default: models/)")
    p.add_argument("--screenshot", default=str(REPO / ".build/browser/page.png"))
    p.add_argument("--base-url", help="test a server already running at this URL instead of starting one")
    p.add_argument("--api-key", default=os.environ.get("RAG_API_KEY"), help="with --base-url: the key, if the server needs one")
    args = p.parse_args()
    args.chromium, args.chromedriver = find_browser()
    args.uploaded = False
    started = time.monotonic()
    server = None
    workdir = Path(tempfile.mkdtemp(prefix="rag-browser-"))
    try:
        if args.base_url:
            base_url, api_key = args.base_url.rstrip("/"), args.api_key
            cleanup_upload(base_url, api_key)   # left over from an interrupted run
        else:
            rag = args.rag or next((str(REPO / b) for b in (".build/debug/rag", ".build/release/rag") if (REPO / b).exists()), None)
            if not rag or not os.access(rag, os.X_OK):
                raise Failure(f"no rag binary: pass --rag PATH ({rag or '.build/debug/rag'} not found)")
            server = Server(rag, Path(args.models), workdir)
            server.start()
            base_url, api_key = server.url, server.key
        check_page(base_url)
        run(args, base_url, api_key, workdir)
    except Failure as e:
        print(f"[browser] FAIL: {e}", flush=True)
        return 1
    except Exception as e:   # the one-line reason, whatever broke
        print(f"[browser] FAIL: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", flush=True)
        return 1
    finally:
        if args.base_url and args.uploaded:
            cleanup_upload(args.base_url.rstrip("/"), args.api_key)
        if server:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    log(f"ok in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
