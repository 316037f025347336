#!/usr/bin/python3
"""A real SMTP server for the newsletter tests (aiosmtpd).

usage: smtp_server.py PORT MAILDIR [--reject] [--drop N]

Every accepted message is written to MAILDIR as NNNNNN.eml, with the
envelope recipient in an X-Envelope-To line on top, and its recipient is
appended to MAILDIR/log.  The server prints "ready" once it listens.

--reject  recipients starting with "perm" get 550, "temp" get 451 (every
          time), "flaky" get 451 the first time and are accepted after.
--drop N  the first N messages to recipients starting with "drop" are cut
          off in the middle of DATA: the connection is closed without an
          answer, as a crashing or overloaded server does.
"""
import asyncio
import os
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, maildir, reject, drop):
        self.maildir = maildir
        self.reject = reject
        self.drop = drop
        self.flaky = set()
        self.n = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if self.reject:
            if local.startswith("perm"):
                return "550 5.1.1 No such user here"
            if local.startswith("temp"):
                return "451 4.2.0 Mailbox busy, try again later"
            if local.startswith("flaky") and address not in self.flaky:
                self.flaky.add(address)
                return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
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
            f.write(rcpt + "\n")
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
            self.transport.abort()
            return
        await super().smtp_DATA(arg)


class DroppingController(Controller):
    def factory(self):
        return DroppingSMTP(self.handler, **self.SMTP_kwargs)


def main():
    port = int(sys.argv[1])
    maildir = sys.argv[2]
    reject = "--reject" in sys.argv
    drop = 0
    if "--drop" in sys.argv:
        drop = int(sys.argv[sys.argv.index("--drop") + 1])
    os.makedirs(maildir, exist_ok=True)
    handler = Handler(maildir, reject, drop)
    controller = DroppingController(handler, hostname="127.0.0.1", port=port,
                                    data_size_limit=10 * 1024 * 1024)
    controller.start()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    controller.stop()


if __name__ == "__main__":
    main()
