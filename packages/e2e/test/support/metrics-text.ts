/** Reads one sample from Prometheus text exposition. */

/** The value of `name{labels}` (labels in exposition order), or undefined when the sample is absent. */
export function sampleValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>>,
): number | undefined {
  const selector = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',')
  const prefix = selector === '' ? `${name} ` : `${name}{${selector}} `
  const line = text.split('\n').find((l) => l.startsWith(prefix))
  return line === undefined ? undefined : Number(line.slice(prefix.length))
}
