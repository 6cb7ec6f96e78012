#!/usr/bin/python3
"""slixmpp, as Debian ships it, against a Starling server: one scenario, step by step.

Usage: slixmpp_client.py <port> <jid> <password> <peer jid> <room jid>

Each step is printed as one JSON line on stdout ({"step": ...}); the test on the
other side (slixmpp-interop.test.ts) plays the native peer and answers them.
"""
import asyncio
import io
import json
import ssl
import sys

import aiohttp
import slixmpp
from slixmpp import JID

TIMEOUT = 30


def emit(**fields):
    print(json.dumps(fields), flush=True)


class Scenario(slixmpp.ClientXMPP):
    def __init__(self, port, jid, password, peer, room):
        super().__init__(jid, password)
        self.address = ("127.0.0.1", port)
        self.peer = JID(peer)
        self.room = JID(room)
        self.inbox = asyncio.Queue()
        self.resumed = asyncio.Event()
        self.resuming = False
        self.finished = asyncio.Event()
        # The test server's certificate is self-signed.
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        for plugin in ("xep_0030", "xep_0045", "xep_0059", "xep_0184", "xep_0198", "xep_0199",
                       "xep_0203", "xep_0280", "xep_0313", "xep_0333", "xep_0359", "xep_0363"):
            self.register_plugin(plugin)
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("session_resumed", lambda _: self.resumed.set())
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("failed_auth", self.on_failed_auth)
        self.add_event_handler("disconnected", self.on_disconnected)

    def on_failed_auth(self, _):
        emit(step="error", error="authentication failed")
        self.finished.set()

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            self.inbox.put_nowait(msg)

    def on_disconnected(self, _):
        # A dropped connection with stream management on: connect again and resume (XEP-0198).
        if self.resuming:
            self.resuming = False
            self.connect(self.address)

    async def body(self, text):
        while True:
            msg = await asyncio.wait_for(self.inbox.get(), TIMEOUT)
            if msg["body"] == text:
                return msg

    async def start(self, _):
        try:
            await self.scenario()
        except Exception as err:  # reported to the test, which fails with it
            emit(step="error", error=repr(err))
        # A clean </stream:stream>, and the server's answer, before the process ends.
        await self.disconnect()
        self.finished.set()

    async def scenario(self):
        await self.get_roster()
        emit(step="roster", items=sorted(str(j) for j in self.client_roster))
        self.send_presence()

        offline = await self.body("sent while you were offline")
        emit(step="offline", delay=str(offline["delay"]["stamp"] or ""), stanza_id=offline["stanza_id"]["id"])

        self.send_message(mto=self.peer, mbody="hello from slixmpp", mtype="chat")
        emit(step="sent")
        live = await self.body("hello slixmpp")
        # The receipt goes out by itself (xep_0184 auto_ack); the marker is the reader's.
        self.plugin["xep_0333"].send_marker(live["from"], live["id"], "displayed")
        emit(step="received", sender=str(live["from"]))

        await self.plugin["xep_0045"].join_muc_wait(self.room, "slix", maxstanzas=0, timeout=TIMEOUT)
        self.send_message(mto=self.room, mbody="hello room", mtype="groupchat")
        emit(step="room")

        bodies = []
        async for m in self.plugin["xep_0313"].iterate(with_jid=self.peer, rsm={"max": 2}):
            bodies.append(m["mam_result"]["forwarded"]["stanza"]["body"])
        emit(step="mam", bodies=bodies)

        # slixmpp 1.8's own service discovery (get_info_from_domain) fails on Python 3.11; the same
        # walk, disco#items of the domain then disco#info of each item, done here.
        items = await self.plugin["xep_0030"].get_items(jid=self.boundjid.domain, timeout=TIMEOUT)
        for jid, _node, _name in items["disco_items"]["items"]:
            info = await self.plugin["xep_0030"].get_info(jid=jid, timeout=TIMEOUT)
            if ("store", "file") in [(i[0], i[1]) for i in info["disco_info"]["identities"]]:
                self.plugin["xep_0363"].upload_service = JID(jid)
        url = await self.plugin["xep_0363"].upload_file(
            "hello.txt", size=5, content_type="text/plain", input_file=io.BytesIO(b"hello"), timeout=TIMEOUT
        )
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as res:
                emit(step="upload", url=url, status=res.status, content=await res.text())

        # The connection drops; stream management resumes the session on a new one.
        self.resuming = True
        self.transport.abort()
        await asyncio.wait_for(self.resumed.wait(), TIMEOUT)
        emit(step="resumed")
        await self.body("after resuming")
        emit(step="done")


def main():
    port, jid, password, peer, room = sys.argv[1:6]
    client = Scenario(int(port), jid, password, peer, room)
    client.connect(client.address)
    loop = asyncio.get_event_loop()
    loop.run_until_complete(asyncio.wait_for(client.finished.wait(), 6 * TIMEOUT))


if __name__ == "__main__":
    main()
