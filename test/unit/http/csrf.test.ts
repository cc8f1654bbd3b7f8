import { describe, expect, it } from 'vitest';
import { crossOriginRefusal, type RequestSignals } from '../../../server/http/csrf.ts';

const OWN = 'http://127.0.0.1:8080';
const request = (overrides: Partial<RequestSignals>): RequestSignals => ({
  method: 'POST',
  path: '/api/conversations',
  contentType: 'application/json',
  secFetchSite: 'same-origin',
  origin: OWN,
  ...overrides,
});

describe('crossOriginRefusal (cookie-authenticated requests)', () => {
  it.each<[string, Partial<RequestSignals>]>([
    ['a JSON POST from the page', {}],
    ['JSON with a charset', { contentType: 'application/json; charset=utf-8' }],
    ['a browser without fetch metadata, Origin ours', { secFetchSite: undefined }],
    ['an upload as multipart', { path: '/api/conversations/abc/files', contentType: 'multipart/form-data; boundary=x' }],
    ['an import as multipart', { path: '/api/conversations/import', contentType: 'multipart/form-data; boundary=x' }],
    ['a GET from the page', { method: 'GET', contentType: undefined }],
    ['a GET typed in the address bar', { method: 'GET', contentType: undefined, secFetchSite: 'none', origin: undefined }],
    ['a GET without fetch metadata (a script with the cookie)', { method: 'GET', contentType: undefined, secFetchSite: undefined, origin: undefined }],
  ])('lets through %s', (_name, overrides) => {
    expect(crossOriginRefusal(request(overrides), OWN)).toBeUndefined();
  });

  it.each<[string, Partial<RequestSignals>]>([
    ['a text/plain form from another port', { contentType: 'text/plain', secFetchSite: 'same-site', origin: 'http://127.0.0.1:9999' }],
    ['a url-encoded form from the page itself', { contentType: 'application/x-www-form-urlencoded' }],
    ['a POST without a content type', { contentType: undefined }],
    ['a no-cors "JSON" fetch (sent as text/plain)', { contentType: 'text/plain;charset=UTF-8', secFetchSite: 'same-site', origin: 'http://127.0.0.1:9999' }],
    ['JSON from another port (fetch metadata)', { secFetchSite: 'same-site', origin: 'http://127.0.0.1:9999' }],
    ['JSON from another port (Origin only)', { secFetchSite: undefined, origin: 'http://127.0.0.1:9999' }],
    ['JSON from an opaque origin (a sandboxed frame)', { secFetchSite: 'cross-site', origin: 'null' }],
    ['JSON without Origin or fetch metadata', { secFetchSite: undefined, origin: undefined }],
    ['JSON whose Origin matches but the browser says same-site', { secFetchSite: 'same-site' }],
    ['multipart on a route that takes JSON', { contentType: 'multipart/form-data; boundary=x' }],
    ['a multipart import from another port', { path: '/api/conversations/import', contentType: 'multipart/form-data; boundary=x', secFetchSite: 'same-site', origin: 'http://127.0.0.1:9999' }],
    ['a DELETE without a content type', { method: 'DELETE', path: '/api/conversations/abc', contentType: undefined }],
    ['a GET embedded by another port (an <img>)', { method: 'GET', contentType: undefined, secFetchSite: 'same-site', origin: undefined }],
    ['a GET from another site', { method: 'GET', contentType: undefined, secFetchSite: 'cross-site', origin: undefined }],
  ])('refuses %s', (_name, overrides) => {
    expect(crossOriginRefusal(request(overrides), OWN)).toMatch(/./);
  });
});
