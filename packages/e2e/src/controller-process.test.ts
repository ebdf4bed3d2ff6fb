import { describe, expect, it } from 'vitest'
import { controllerArgs, deploymentContainer } from './controller-process.js'
import { installObjects } from './system.js'

describe('controllerArgs', () => {
  it("keeps the shipped Deployment's args and moves only the listen addresses and the kubeconfig", () => {
    const shipped = deploymentContainer(installObjects()).args ?? []
    expect(shipped).toContain('--leader-elect=true')
    const args = controllerArgs(shipped, '/tmp/k.json', ['--sidecar-url-map=/tmp/m.json'])
    expect(args).toEqual([
      ...shipped.filter((a) => !/^--(health-port|metrics-port)=/.test(a)),
      '--health-port=0',
      '--metrics-port=0',
      '--bind-address=127.0.0.1',
      '--kubeconfig=/tmp/k.json',
      '--sidecar-url-map=/tmp/m.json',
    ])
  })
})
