/** Version of this contract; generated artifacts (policies, manifests) record which one produced them. */
export const CONTRACT_VERSION = '0.1.0'
