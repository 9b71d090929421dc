/** The people of the emulator's generated and demo data: names that exercise unicode, and their e-mail addresses. */

export const FIRST_NAMES = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Edsger',
  'Radia',
  'Tim',
  'Hedy',
  'John',
  'Katherine',
  'Donald',
  'Sophie',
  'Guido',
  'Anita',
  'Niklaus',
  'Shafi',
  'Whitfield',
  'Adele',
  'Brian',
  'Lynn',
  'Yukihiro',
  'Chloé',
  'José',
  'Zoë',
  'Björn',
  'Ingrid',
  'Mei',
];
export const LAST_NAMES = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Berners-Lee',
  'Lamarr',
  'McCarthy',
  'Johnson',
  'Knuth',
  'Wilson',
  'van Rossum',
  'Borg',
  'Wirth',
  'Goldwasser',
  'Diffie',
  'Goldberg',
  'Kernighan',
  'Conway',
  'Matsumoto',
  'Dubois',
  'García',
  "O'Brien",
  'Müller',
  'Svensson',
  'Chen',
];
export const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example'];

/** `Zoë O'Brien` → `zoe.obrien@example.org`: letters only, accents dropped. */
export function emailOf(first: string, last: string, domain: string): string {
  return `${ascii(first)}.${ascii(last)}@${domain}`;
}

function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}
