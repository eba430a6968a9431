import { createServer, request, type IncomingMessage, type RequestListener } from 'node:http';
import { connect, type AddressInfo, type Server as NetServer } from 'node:net';

export interface Listening {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close: () => Promise<void>;
}

/** Serves `listener` on 127.0.0.1 at a free port; `close()` ends open connections too. */
export async function listen(listener: RequestListener): Promise<Listening> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Listens on 127.0.0.1 at a free port picked at random in 18500–18999 (an HTTP/1 or HTTP/2 server); resolves with the port. */
export async function listenInTestRange(server: NetServer): Promise<number> {
  for (;;) {
    const port = 18500 + Math.floor(Math.random() * 500);
    const failed = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(true));
      server.listen(port, '127.0.0.1', () => resolve(false));
    });
    if (!failed) return port;
  }
}

/**
 * POSTs an endless chunked JSON body to `url` — written until the server answers (64 MiB at most,
 * as a safety net) — and returns the answer with how many body bytes were written by then.
 */
export async function postEndlessBody(
  url: string,
  headers: Record<string, string>,
): Promise<{ response: IncomingMessage; body: string; written: number }> {
  const chunk = 'x'.repeat(1024);
  const limit = 64 * 1024 * 1024;
  let written = 0;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      resolve(res);
    });
    req.on('error', (error) => (answered ? undefined : reject(error)));
    req.write('{"participant_metadata":"');
    const pump = () => {
      while (!answered && written < limit && req.write(chunk)) written += chunk.length;
      if (!answered && written < limit) req.once('drain', pump);
    };
    pump();
  });
  const body = await new Promise<string>((resolve) => {
    let text = '';
    response.on('data', (data: Buffer) => (text += data.toString()));
    response.on('end', () => resolve(text));
  });
  return { response, body, written };
}

/**
 * Sends a request's head over a raw socket with only `bodyStart` of the body it declares, and
 * resolves with what the server wrote back once it closes the connection — or, when it is still
 * open `waitMs` after the reply began, with `closed: false`.
 */
export async function sendHeadOnly(
  origin: string,
  head: string,
  bodyStart = '',
  waitMs = 2_000,
): Promise<{ reply: string; closed: boolean }> {
  const { port } = new URL(origin);
  const socket = connect(Number(port), '127.0.0.1');
  socket.on('error', () => {});
  let reply = '';
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    socket.on('data', (data: Buffer) => {
      reply += data.toString();
      timer ??= setTimeout(() => {
        socket.destroy();
        resolve({ reply, closed: false });
      }, waitMs);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ reply, closed: true });
    });
    socket.write(`${head}\r\n\r\n${bodyStart}`);
  });
}
