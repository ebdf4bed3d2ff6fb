/**
 * A JSON pointer (RFC 6901, as TypeBox reports a failing field) as the JavaScript-like path that error
 * messages name: `/spec/peers/0` → `spec.peers[0]`, `/files/app.toml` → `files["app.toml"]` (keys that
 * are not identifiers are quoted, so `[` or `.` inside a key stays unambiguous). `root` prefixes the path
 * (`params` → `params.files["app.toml"]`); the empty pointer gives `root`, or `<root>` when there is none.
 * Pure; the sidecar's 400 messages and the controller's SeiNode validation both use it.
 */
export function formatJsonPointer(pointer: string, root = ''): string {
  let out = root
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    if (/^[0-9]+$/.test(part)) out += `[${part}]`
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += out === '' ? part : `.${part}`
    else out += `[${JSON.stringify(part)}]`
  }
  return out === '' ? '<root>' : out
}
