// Lazy chunk: the header's team line (pictures or initials, names, reply time or when the team is back).
import type { TeamInfo } from '../../protocol/messenger.js';
import type { Lang } from '../i18n.js';
import { backAt } from '../team-time.js';

const T = {
  en: { minutes: 'Typically replies in a few minutes', hour: 'Typically replies in about an hour', day: 'Typically replies within a day', back: 'Away now, back', and: 'and' },
  fr: { minutes: 'Répond en général en quelques minutes', hour: 'Répond en général en une heure environ', day: 'Répond en général sous un jour', back: 'Absents, de retour', and: 'et' },
  de: { minutes: 'Antwortet meist in wenigen Minuten', hour: 'Antwortet meist in etwa einer Stunde', day: 'Antwortet meist innerhalb eines Tages', back: 'Gerade nicht da, zurück am', and: 'und' },
};

export const css = `
.tm { display: flex; align-items: center; gap: 8px; margin-top: 4px; }
.avs { display: flex; flex: none; }
.av { width: 24px; height: 24px; border-radius: 50%; display: grid; place-items: center; font-size: 10.5px; font-weight: 700; background: var(--on-a); color: var(--a); box-shadow: 0 0 0 2px var(--a); }
.av + .av { margin-left: -6px; }
img.av { object-fit: cover; }
`;

const initials = (name: string) => name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join('');

/** Who answers and when; the names are read out, the initials are decoration. */
export function TeamLine({ team, lang, locale, server }: { team: TeamInfo; lang: Lang; locale?: string; server: string }) {
  const t = T[lang];
  const names = team.names.length > 1 ? `${team.names.slice(0, -1).join(', ')} ${t.and} ${team.names.at(-1)}` : team.names[0];
  const when = !team.open && team.back ? `${t.back} ${backAt(team.back, locale)}` : team.replyTime ? t[team.replyTime] : '';
  return (
    <span class="tm">
      {team.names.length > 0 && (
        <span class="avs" aria-hidden="true">
          {team.names.map((n, i) => {
            const pic = team.avatars?.[i];
            return pic ? (
              <img class="av" key={n} src={server + pic} alt="" />
            ) : (
              <span class="av" key={n}>
                {initials(n)}
              </span>
            );
          })}
        </span>
      )}
      <span>{[names, when].filter(Boolean).join(' · ')}</span>
    </span>
  );
}
