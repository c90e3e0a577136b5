import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from '../plugins/errors.js';

/**
 * Writes an error in the service's JSON shape straight to a socket, for the answers Node gives
 * before any request object exists (a malformed request, CONNECT), then closes the socket.
 * Returns the request id it wrote, for the log line.
 */
export function writeRawError(socket: Socket, code: number, message: string, headers: Record<string, string> = {}): string {
  const id = randomUUID();
  const body = JSON.stringify(errorBody(code, message, id));
  if (socket.writable) {
    const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.write(
      `HTTP/1.1 ${code} ${STATUS_CODES[code]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${id}\r\n${extra}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroySoon();
  return id;
}
