/**
 * @module engine/containers/names
 * Container names: Docker's rules (`/?[a-zA-Z0-9][a-zA-Z0-9_.-]+`) and generated names in
 * Docker's `adjective_surname` style, from berth's own word lists.
 */
import { randomInt } from 'node:crypto';
import { InvalidArgument } from '../../errdefs/index.js';

const ADJECTIVES = [
  'admiring', 'adoring', 'affectionate', 'agitated', 'amazing', 'angry', 'awesome', 'beautiful', 'blissful', 'bold',
  'brave', 'busy', 'charming', 'clever', 'compassionate', 'competent', 'condescending', 'confident', 'cool', 'cranky',
  'crazy', 'dazzling', 'determined', 'distracted', 'dreamy', 'eager', 'ecstatic', 'elastic', 'elated', 'elegant',
  'eloquent', 'epic', 'exciting', 'fervent', 'festive', 'flamboyant', 'focused', 'friendly', 'frosty', 'funny',
  'gallant', 'gifted', 'goofy', 'gracious', 'great', 'happy', 'hardcore', 'heuristic', 'hopeful', 'hungry',
  'infallible', 'inspiring', 'intelligent', 'interesting', 'jolly', 'jovial', 'keen', 'kind', 'laughing', 'loving',
  'lucid', 'magical', 'modest', 'musing', 'mystifying', 'naughty', 'nervous', 'nice', 'nifty', 'nostalgic',
  'objective', 'optimistic', 'peaceful', 'pedantic', 'pensive', 'practical', 'priceless', 'quirky', 'quizzical', 'recursing',
  'relaxed', 'reverent', 'romantic', 'sad', 'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange',
  'stupefied', 'suspicious', 'sweet', 'tender', 'thirsty', 'trusting', 'unruffled', 'upbeat', 'vibrant', 'vigilant',
  'vigorous', 'wizardly', 'wonderful', 'xenodochial', 'youthful', 'zealous', 'zen',
];

const SURNAMES = [
  'agnesi', 'albattani', 'allen', 'almeida', 'archimedes', 'ardinghelli', 'aryabhata', 'austin', 'babbage', 'banach',
  'bardeen', 'bartik', 'bassi', 'bell', 'benz', 'bhabha', 'blackburn', 'blackwell', 'bohr', 'booth',
  'borg', 'bose', 'boyd', 'brahmagupta', 'brattain', 'brown', 'carson', 'cartwright', 'cerf', 'chandrasekhar',
  'chatelet', 'clarke', 'cohen', 'curie', 'darwin', 'davinci', 'dijkstra', 'dirac', 'driscoll', 'dubinsky',
  'easley', 'edison', 'einstein', 'elion', 'engelbart', 'euclid', 'euler', 'faraday', 'feistel', 'fermat',
  'fermi', 'feynman', 'franklin', 'galileo', 'gates', 'goldberg', 'goldstine', 'goodall', 'gould', 'hamilton',
  'hawking', 'heisenberg', 'hermann', 'hodgkin', 'hoover', 'hopper', 'hypatia', 'jackson', 'jang', 'jennings',
  'jepsen', 'johnson', 'joliot', 'jones', 'kalam', 'kapitsa', 'keldysh', 'keller', 'kepler', 'khorana',
  'kilby', 'kirch', 'knuth', 'kowalevski', 'lalande', 'lamarr', 'lamport', 'leakey', 'leavitt', 'lehmann',
  'lewin', 'lichterman', 'liskov', 'lovelace', 'lumiere', 'mahavira', 'margulis', 'matsumoto', 'maxwell', 'mayer',
  'mccarthy', 'mcclintock', 'meitner', 'mendel', 'mendeleev', 'merkle', 'mestorf', 'mirzakhani', 'moore', 'morse',
  'napier', 'nash', 'neumann', 'newton', 'nightingale', 'nobel', 'noether', 'northcutt', 'noyce', 'panini',
  'pare', 'pascal', 'pasteur', 'payne', 'perlman', 'pike', 'poincare', 'poitras', 'ptolemy', 'raman',
  'ramanujan', 'ride', 'ritchie', 'rosalind', 'rubin', 'saha', 'sammet', 'shamir', 'shannon', 'shaw',
  'shirley', 'shockley', 'sinoussi', 'snyder', 'spence', 'stonebraker', 'sutherland', 'swanson', 'swartz', 'swirles',
  'taussig', 'tesla', 'thompson', 'torvalds', 'turing', 'varahamihira', 'villani', 'volhard', 'wescoff', 'wilbur',
  'wiles', 'williams', 'wilson', 'wing', 'wozniak', 'wright', 'wu', 'yalow', 'yonath', 'zhukovsky',
];

/** A random `adjective_surname`; after a collision, callers add a digit (`retry` > 0) as Docker does. */
export function generateName(retry = 0): string {
  for (;;) {
    const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
    if (name === 'boring_wozniak') continue;
    return retry > 0 ? `${name}${randomInt(10)}` : name;
  }
}

/**
 * Docker's pattern, except that one-character names are accepted: dockerd's `+` requires two
 * characters (`--name w` fails there), but berth's container workflow (issue 4) names
 * containers `w`, and nothing else depends on the second character.
 */
const VALID = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** `name` or `/name` → `name`; InvalidArgument with Docker's message when it is not allowed. */
export function normalizeName(name: string): string {
  if (!VALID.test(name)) throw new InvalidArgument(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return name.startsWith('/') ? name.slice(1) : name;
}
