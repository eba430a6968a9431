/**
 * Runs in the page before its scripts (`page.addInitScript`, after the media probe): each
 * `getUserMedia` is answered `delayMs` after it was asked, as when the user answers the browser's
 * permission prompt late, or a camera is slow to start. What it answers is the browser's own.
 */
export function delayDeviceGrant(delayMs: number): void {
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return getUserMedia(constraints);
  };
}
