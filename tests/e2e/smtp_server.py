#!/usr/bin/python3
"""A real SMTP server for the newsletter tests (aiosmtpd).

usage: smtp_server.py PORT MAILDIR [--reject] [--drop N] [--slow MS]
                      [--starttls CERT KEY | --tls CERT KEY] [--auth USER:PASS]

Every accepted message is written to MAILDIR as NNNNNN.eml, with the
envelope recipient in an X-Envelope-To line on top, and "RCPT PEERPORT
TIME" (the client's port tells connections apart; TIME in seconds) is
appended to MAILDIR/log.  Every attempt, accepted or not, is appended to
MAILDIR/attempts as "RCPT REPLY TIME", REPLY being the code given to RCPT
(250, 451, 550) or "drop" for a message cut off in DATA: the tests read
the times of retries there.  The server prints "ready" once it listens.

--reject  recipients starting with "perm" get 550, "temp" get 451 (every
          time), "flaky" get 451 the first time and are accepted after.
--drop N  the first N messages to recipients starting with "drop" are cut
          off in the middle of DATA: the connection is closed without an
          answer, as a crashing or overloaded server does.
--slow MS answer each message MS milliseconds after its data, as a busy
          server does: messages stay in flight that long.
--starttls  offer STARTTLS with this certificate and refuse mail without it.
--tls     TLS from the first byte (smtps), with this certificate.
--auth    require AUTH (PLAIN or LOGIN) with these credentials; a failed
          login is logged to MAILDIR/auth.log.
"""
import asyncio
import os
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, maildir, reject, drop, slow=0.0):
        self.maildir = maildir
        self.reject = reject
        self.drop = drop
        self.slow = slow
        self.flaky = set()
        self.n = 0
        self.lock = threading.Lock()

    def attempt(self, rcpt, reply):
        with self.lock, open(os.path.join(self.maildir, "attempts"), "a") as f:
            f.write("%s %s %.3f\n" % (rcpt, reply, time.time()))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rcpt_reply(address)
        self.attempt(address, reply[:3])
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    def rcpt_reply(self, address):
        local = address.split("@")[0]
        if self.reject:
            if local.startswith("perm"):
                return "550 5.1.1 No such user here"
            if local.startswith("temp"):
                return "451 4.2.0 Mailbox busy, try again later"
            if local.startswith("flaky") and address not in self.flaky:
                self.flaky.add(address)
                return "451 4.7.1 Greylisted, try again later"
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.slow:
            await asyncio.sleep(self.slow)
        rcpt = envelope.rcpt_tos[0]
        with self.lock:
            self.n += 1
            n = self.n
        path = os.path.join(self.maildir, "%06d.eml" % n)
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-To: " + rcpt.encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        with open(os.path.join(self.maildir, "log"), "a") as f:
            f.write("%s %d %.3f\n" % (rcpt, session.peer[1], time.time()))
        return "250 2.0.0 OK queued as %d" % n


class DroppingSMTP(SMTP):
    """Hangs up in the middle of DATA for the recipients --drop names."""

    async def smtp_DATA(self, arg):
        h = self.event_handler
        rcpts = self.envelope.rcpt_tos
        if h.drop > 0 and rcpts and rcpts[0].startswith("drop"):
            h.drop -= 1
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            for _ in range(5):
                await self._reader.readuntil(b"\r\n")
            h.attempt(rcpts[0], "drop")
            self.transport.abort()
            return
        await super().smtp_DATA(arg)


class DroppingController(Controller):
    def factory(self):
        return DroppingSMTP(self.handler, **self.SMTP_kwargs)


class ImplicitTLSController(DroppingController):
    def _trigger_server(self):
        # The stock check wraps its probe in the server's own context, which
        # cannot act as a client; a plain TLS client that trusts anything will.
        import socket
        client = ssl.create_default_context()
        client.check_hostname = False
        client.verify_mode = ssl.CERT_NONE
        with socket.create_connection((self.hostname, self.port), 1.0) as raw:
            with client.wrap_socket(raw) as s:
                s.recv(1024)


def main():
    port = int(sys.argv[1])
    maildir = sys.argv[2]
    reject = "--reject" in sys.argv
    drop = 0
    if "--drop" in sys.argv:
        drop = int(sys.argv[sys.argv.index("--drop") + 1])
    slow = 0.0
    if "--slow" in sys.argv:
        slow = int(sys.argv[sys.argv.index("--slow") + 1]) / 1000.0
    os.makedirs(maildir, exist_ok=True)
    handler = Handler(maildir, reject, drop, slow)
    kw = {"data_size_limit": 10 * 1024 * 1024}
    ctx = None
    for opt in ("--starttls", "--tls"):
        if opt in sys.argv:
            i = sys.argv.index(opt)
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(sys.argv[i + 1], sys.argv[i + 2])
            if opt == "--starttls":
                kw.update(tls_context=ctx, require_starttls=True)
    if "--auth" in sys.argv:
        user, password = sys.argv[sys.argv.index("--auth") + 1].split(":", 1)

        def authenticator(server, session, envelope, mechanism, data):
            ok = (isinstance(data, LoginPassword) and data.login.decode() == user
                  and data.password.decode() == password)
            if not ok:
                with open(os.path.join(maildir, "auth.log"), "a") as f:
                    f.write("failed %s\n" % mechanism)
            return AuthResult(success=ok)

        kw.update(auth_required=True, authenticator=authenticator,
                  auth_require_tls="--starttls" in sys.argv)
    if "--tls" in sys.argv:
        controller = ImplicitTLSController(handler, hostname="127.0.0.1", port=port,
                                           ssl_context=ctx, **kw)
    else:
        controller = DroppingController(handler, hostname="127.0.0.1", port=port, **kw)
    controller.start()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    controller.stop()


if __name__ == "__main__":
    main()
