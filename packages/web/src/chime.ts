/**
 * The notification sound: two short soft tones made with WebAudio, so nothing is downloaded and
 * no sound file ships. One AudioContext per page, made on first use (browsers allow it only
 * after the user has interacted with the page, which a signed-in user has).
 */
export class Chime {
  private context: AudioContext | undefined;

  play(): void {
    const Ctor = globalThis.AudioContext;
    if (typeof Ctor !== "function") return;
    try {
      this.context ??= new Ctor();
      const ctx = this.context;
      const start = ctx.currentTime;
      for (const [i, freq] of [880, 1320].entries()) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = "sine";
        osc.frequency.value = freq;
        const at = start + i * 0.12;
        // A quick fade in and out: no click at either end.
        gain.gain.setValueAtTime(0, at);
        gain.gain.linearRampToValueAtTime(0.15, at + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.001, at + 0.18);
        osc.connect(gain).connect(ctx.destination);
        osc.start(at);
        osc.stop(at + 0.2);
      }
    } catch {
      // No audio device, or the browser refused: a silent notice is still a notice.
    }
  }
}
