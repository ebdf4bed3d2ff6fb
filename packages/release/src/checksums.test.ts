import { describe, expect, it } from 'vitest'
import { formatSums } from './checksums.js'

describe('formatSums', () => {
  it('writes sha256sum -c lines sorted by path', () => {
    const text = formatSums([
      ['sbom/b.json', Buffer.from('b')],
      ['images/a.tar', Buffer.from('')],
    ])
    expect(text).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  images/a.tar\n' +
        '3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  sbom/b.json\n',
    )
  })
})
