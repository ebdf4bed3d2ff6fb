/** The release this build belongs to; default images are tagged with it. Kept equal to package.json by a test. */
export const RELEASE_VERSION = '0.1.0'
