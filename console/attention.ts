// Getting an agent's attention for a new visitor message: a short tone (on unless turned off),
// and desktop notifications once the agent asked for them (never requested unprompted).
import { signal } from '@preact/signals';

const SOUND_KEY = 'parley:console:sound';

function storedSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) !== 'off';
  } catch {
    return true;
  }
}

export type NotificationState = NotificationPermission | 'unsupported';
const permission = (): NotificationState => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

export function createAttention() {
  const sound = signal(storedSound());
  const notifications = signal<NotificationState>(permission());
  let audio: AudioContext | null = null;

  /** Two soft notes (Web Audio: no file to load, nothing for the CSP to allow). */
  function chime() {
    try {
      audio ??= new AudioContext();
      const t = audio.currentTime;
      for (const [i, freq] of [880, 1320].entries()) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t + i * 0.12);
        gain.gain.exponentialRampToValueAtTime(0.15, t + i * 0.12 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.12 + 0.25);
        osc.connect(gain).connect(audio.destination);
        osc.start(t + i * 0.12);
        osc.stop(t + i * 0.12 + 0.3);
      }
    } catch {
      // No audio output (or the browser refuses before a first click): the title and badges still tell.
    }
  }

  return {
    sound,
    notifications,
    setSound(on: boolean) {
      sound.value = on;
      try {
        localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
      } catch {
        // Storage blocked: for this page only.
      }
    },
    /** Asks the browser (only ever from the agent's click). */
    async askNotifications() {
      if (typeof Notification === 'undefined') return;
      notifications.value = await Notification.requestPermission();
    },
    /** A new visitor message the agent should hear about: tone, and a notification while the tab is hidden. */
    alert(title: string, body: string, onClick: () => void) {
      if (sound.value) chime();
      if (notifications.value === 'granted' && document.visibilityState === 'hidden') {
        const n = new Notification(title, { body: body.slice(0, 140), tag: title });
        n.onclick = () => {
          window.focus();
          onClick();
          n.close();
        };
      }
    },
  };
}

export type Attention = ReturnType<typeof createAttention>;
