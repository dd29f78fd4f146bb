"""A TCP proxy that a test can cut and restore, to play a database outage without stopping the
shared PostgreSQL server: the gateway connects to the proxy, the proxy to the real server."""

import asyncio
import contextlib


class CuttableProxy:
    """Forwards ``127.0.0.1:<port>`` to ``target``; :meth:`cut` closes the listening socket and
    every open connection (the server "goes away"), :meth:`restore` listens again on the same
    port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        """Listen (on a free port the first time, on the same port after a cut)."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Stop listening and drop every connection: new and open ones fail alike."""
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        await self._server.wait_closed()
        self._server = None

    async def restore(self) -> None:
        """Listen again on the same port."""
        await self.start()

    async def stop(self) -> None:
        """Cut, if not already cut."""
        if self._server is not None:
            await self.cut()

    async def _serve(self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter):
        try:
            server_reader, server = await asyncio.open_connection(
                self.target_host, self.target_port
            )
        except OSError:
            client.transport.abort()
            return
        self._writers.update((client, server))
        await asyncio.gather(self._pipe(client_reader, server), self._pipe(server_reader, client))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()
        self._writers.discard(writer)
