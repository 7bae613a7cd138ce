/*
 * The microphone's samples, block by block, to the page (AudioWorklet):
 * the page keeps them and writes a WAV when the recording stops.
 */
class LoaxaRecorder extends AudioWorkletProcessor {
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (ch) {
      let peak = 0;
      for (let i = 0; i < ch.length; i++) peak = Math.max(peak, Math.abs(ch[i]));
      this.port.postMessage({ samples: ch.slice(0), peak });
    }
    return true;
  }
}
registerProcessor('loaxa-recorder', LoaxaRecorder);
