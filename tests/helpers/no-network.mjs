// Loaded with `node --import` (through NODE_OPTIONS, so every child process loads it too): any attempt to reach
// the network is refused, and recorded as one line in the file named by RELABEL_NETWORK_LOG. Local IPC stays
// allowed: Unix-domain sockets and named pipes (tsx talks to its child processes over one).
import { appendFileSync } from 'node:fs';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

const log = process.env.RELABEL_NETWORK_LOG;
const refuse = (what) =>
  function refused() {
    if (log) appendFileSync(log, `${process.pid} ${what}\n`);
    throw new Error(`network access attempted: ${what}`);
  };
/** A connect() call for a Unix-domain socket or named pipe (a path), not a network address. */
const isLocal = (args) => {
  const a = Array.isArray(args[0]) ? args[0][0] : args[0];
  return (
    (typeof a === 'object' && a !== null && typeof a.path === 'string') ||
    (typeof a === 'string' && Number.isNaN(Number(a)))
  );
};
const unlessLocal = (original, what) =>
  function connect(...args) {
    if (isLocal(args)) return original.apply(this, args);
    return refuse(what)();
  };
net.Socket.prototype.connect = unlessLocal(net.Socket.prototype.connect, 'net.Socket.connect');
net.connect = unlessLocal(net.connect, 'net.connect');
net.createConnection = unlessLocal(net.createConnection, 'net.createConnection');
tls.connect = refuse('tls.connect');
dns.lookup = refuse('dns.lookup');
dns.promises.lookup = refuse('dns.promises.lookup');
http.request = http.get = refuse('http.request');
https.request = https.get = refuse('https.request');
globalThis.fetch = refuse('fetch');
