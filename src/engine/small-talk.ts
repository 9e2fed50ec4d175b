/**
 * Greetings, thanks and goodbyes per served language, in native script and in the romanizations customers
 * type on a Latin keyboard ("privet", "konnichiwa", "ni hao"). Matched on the whole (folded) message only, so
 * "hi, where is my order?" is a question, not small talk.
 */
import { normalizeText } from './text-normalize.js';

export type SmallTalk = 'greeting' | 'thanks' | 'goodbye';

/** What a small-talk message is, and which language it says it is in. */
export interface SmallTalkMatch {
  kind: SmallTalk;
  /**
   * The one language the phrase belongs to; undefined when several share it ("hej" is Swedish, Danish,
   * Norwegian and Polish, "sveiki" Latvian and Lithuanian), so a shared word is never taken as a verdict.
   */
  language: string | undefined;
  /** Every language whose table lists the phrase, in table order. */
  languages: readonly string[];
}

/** Written as customers type them; folded like retrieval folds text ({@link normalizeText}: no case, no accents, no punctuation) when the lookup is built. */
export const SMALL_TALK_PHRASES: Readonly<Record<string, Readonly<Record<SmallTalk, readonly string[]>>>> = {
  en: {
    greeting: ['hi', 'hello', 'hey', 'hi there', 'hello there', 'good morning', 'good afternoon', 'good evening', 'hiya', 'howdy'],
    thanks: ['thanks', 'thank you', 'thx', 'ty', 'thanks a lot', 'thank you very much', 'many thanks', 'great thanks', 'ok thanks', 'cheers'],
    goodbye: ['bye', 'goodbye', 'see you', 'bye bye', 'have a nice day'],
  },
  es: {
    greeting: ['hola', 'buenas', 'buenos días', 'buenas tardes', 'buenas noches', 'hola buenas', 'hola buenos días', 'qué tal', 'hola qué tal'],
    thanks: ['gracias', 'muchas gracias', 'mil gracias', 'ok gracias', 'vale gracias', 'muchísimas gracias'],
    goodbye: ['adiós', 'hasta luego', 'chao', 'chau', 'hasta pronto', 'nos vemos', 'hasta mañana'],
  },
  de: {
    greeting: ['hallo', 'guten tag', 'guten morgen', 'guten abend', 'servus', 'moin', 'grüß gott', 'hallo zusammen', 'grüezi', 'hallöchen'],
    thanks: ['danke', 'vielen dank', 'danke schön', 'dankeschön', 'danke sehr', 'ok danke', 'vielen lieben dank'],
    goodbye: ['tschüss', 'tschüs', 'auf wiedersehen', 'bis bald', 'ciao', 'bis später', 'schönen tag noch'],
  },
  fr: {
    greeting: ['bonjour', 'salut', 'bonsoir', 'coucou', 'bonjour à vous', 'bonjour madame', 'bonjour monsieur'],
    thanks: ['merci', 'merci beaucoup', 'merci bien', 'ok merci', 'super merci', 'merci infiniment'],
    goodbye: ['au revoir', 'à bientôt', 'bonne journée', 'bonne soirée', 'à plus'],
  },
  lv: {
    greeting: ['sveiki', 'labdien', 'čau', 'sveiks', 'sveika', 'labrīt', 'labvakar', 'sveiciens', 'sveicināti'],
    thanks: ['paldies', 'liels paldies', 'paldies liels', 'ok paldies', 'paldies jums'],
    goodbye: ['uz redzēšanos', 'atā', 'visu labu', 'jauku dienu'],
  },
  pt: {
    greeting: ['olá', 'oi', 'oie', 'bom dia', 'boa tarde', 'boa noite', 'olá bom dia', 'oi tudo bem', 'tudo bem', 'e aí'],
    thanks: ['obrigado', 'obrigada', 'muito obrigado', 'muito obrigada', 'obg', 'valeu', 'ok obrigado', 'ok obrigada', 'brigado', 'brigada'],
    goodbye: ['tchau', 'até logo', 'até mais', 'adeus', 'até breve', 'falou'],
  },
  it: {
    greeting: ['ciao', 'salve', 'buongiorno', 'buon giorno', 'buonasera', 'buona sera', 'ciao a tutti', 'ehi'],
    thanks: ['grazie', 'grazie mille', 'molte grazie', 'ok grazie', 'grazie tante', 'ti ringrazio'],
    goodbye: ['arrivederci', 'a presto', 'ci vediamo', 'buona giornata', 'buona serata', 'alla prossima'],
  },
  nl: {
    greeting: ['hallo', 'hoi', 'goedemorgen', 'goedemiddag', 'goedenavond', 'dag', 'hallo daar', 'hoi hoi'],
    thanks: ['bedankt', 'dank je', 'dank je wel', 'dankjewel', 'dank u', 'dank u wel', 'dankuwel', 'ok bedankt', 'top bedankt', 'heel erg bedankt'],
    goodbye: ['doei', 'tot ziens', 'dag dag', 'fijne dag', 'tot later', 'doeg'],
  },
  pl: {
    greeting: ['cześć', 'dzień dobry', 'witam', 'witaj', 'hej', 'siema', 'siemka', 'dobry wieczór', 'halo', 'hejka'],
    thanks: ['dziękuję', 'dzięki', 'dziękuję bardzo', 'bardzo dziękuję', 'wielkie dzięki', 'ok dzięki', 'dziękuję pięknie'],
    goodbye: ['do widzenia', 'na razie', 'pa', 'pa pa', 'do zobaczenia', 'miłego dnia', 'żegnam'],
  },
  lt: {
    greeting: ['labas', 'sveiki', 'sveikas', 'sveika', 'laba diena', 'labas rytas', 'labas vakaras', 'sveiki gyvi'],
    thanks: ['ačiū', 'labai ačiū', 'ačiū labai', 'dėkoju', 'ok ačiū', 'dėkui'],
    goodbye: ['viso gero', 'iki pasimatymo', 'sudie', 'geros dienos', 'iki greito'],
  },
  et: {
    greeting: ['tere', 'tervist', 'tere päevast', 'tere hommikust', 'tere õhtust', 'tšau', 'hommikust'],
    thanks: ['aitäh', 'tänan', 'suur aitäh', 'tänud', 'tänan väga', 'aitäh teile'],
    goodbye: ['head aega', 'nägemist', 'nägemiseni', 'head päeva', 'kõike head'],
  },
  ru: {
    greeting: ['привет', 'здравствуйте', 'здравствуй', 'добрый день', 'доброе утро', 'добрый вечер', 'приветствую', 'privet', 'zdravstvuyte', 'zdravstvuite', 'dobryj den'],
    thanks: ['спасибо', 'спасибо большое', 'большое спасибо', 'благодарю', 'спс', 'spasibo', 'spasibo bolshoe', 'bolshoe spasibo'],
    goodbye: ['пока', 'до свидания', 'всего доброго', 'всего хорошего', 'poka', 'do svidaniya', 'do svidania'],
  },
  uk: {
    greeting: ['привіт', 'вітаю', 'добрий день', 'доброго дня', 'добрий ранок', 'добрий вечір', 'pryvit', 'vitayu', 'dobryi den'],
    thanks: ['дякую', 'дуже дякую', 'щиро дякую', 'дякую вам', 'dyakuyu', 'diakuiu', 'duzhe dyakuyu'],
    goodbye: ['до побачення', 'бувай', 'бувайте', 'на все добре', 'do pobachennia', 'do pobachennya', 'buvai'],
  },
  sv: {
    greeting: ['hej', 'hejsan', 'hallå', 'god dag', 'god morgon', 'god kväll', 'tjena', 'tjenare', 'hej hej'],
    thanks: ['tack', 'tack så mycket', 'tusen tack', 'stort tack', 'tackar', 'ok tack'],
    goodbye: ['hej då', 'adjö', 'vi ses', 'ha det bra', 'ha en bra dag', 'ha en trevlig dag'],
  },
  fi: {
    greeting: ['hei', 'moi', 'terve', 'moikka', 'hyvää päivää', 'huomenta', 'hyvää huomenta', 'iltaa', 'hyvää iltaa', 'päivää'],
    thanks: ['kiitos', 'kiitti', 'kiitos paljon', 'paljon kiitoksia', 'kiitoksia', 'ok kiitos'],
    goodbye: ['näkemiin', 'heippa', 'hei hei', 'nähdään', 'hyvää päivänjatkoa'],
  },
  da: {
    greeting: ['hej', 'hejsa', 'goddag', 'god dag', 'god morgen', 'godmorgen', 'halløj', 'dav'],
    thanks: ['mange tak', 'tusind tak', 'tak for hjælpen', 'tak skal du have', 'tak for det'],
    goodbye: ['farvel', 'vi ses', 'hav en god dag', 'på gensyn'],
  },
  nb: {
    greeting: ['hei', 'heisann', 'hallo', 'halla', 'god morgen', 'god dag', 'morn'],
    thanks: ['takk', 'tusen takk', 'mange takk', 'takk for hjelpen', 'ok takk', 'takker'],
    goodbye: ['ha det', 'ha det bra', 'ha en fin dag', 'vi ses', 'farvel', 'snakkes'],
  },
  cs: {
    greeting: ['ahoj', 'dobrý den', 'čau', 'zdravím', 'dobré ráno', 'dobrý večer', 'nazdar'],
    thanks: ['děkuji', 'děkuju', 'díky', 'moc děkuji', 'moc díky', 'děkuji mockrát', 'ok díky'],
    goodbye: ['na shledanou', 'nashle', 'mějte se', 'hezký den'],
  },
  ro: {
    greeting: ['bună', 'bună ziua', 'salut', 'bună dimineața', 'bună seara', 'neața', 'salutare'],
    thanks: ['mulțumesc', 'mersi', 'mulțumesc frumos', 'mulțam', 'mersi mult', 'vă mulțumesc'],
    goodbye: ['la revedere', 'pa', 'o zi bună', 'pe curând', 'numai bine'],
  },
  tr: {
    greeting: ['merhaba', 'selam', 'selamlar', 'günaydın', 'iyi günler', 'iyi akşamlar', 'merhabalar'],
    thanks: ['teşekkürler', 'teşekkür ederim', 'sağ ol', 'sağol', 'çok teşekkürler', 'çok teşekkür ederim', 'eyvallah'],
    goodbye: ['hoşça kal', 'hoşça kalın', 'görüşürüz', 'güle güle', 'kolay gelsin'],
  },
  ar: {
    greeting: ['مرحبا', 'السلام عليكم', 'سلام', 'أهلا', 'أهلا وسهلا', 'صباح الخير', 'مساء الخير', 'marhaba', 'salam', 'salam alaikum', 'assalamu alaikum', 'ahlan'],
    thanks: ['شكرا', 'شكرا جزيلا', 'مشكور', 'شكرا لك', 'shukran', 'shukran jazeelan'],
    goodbye: ['مع السلامة', 'وداعا', 'إلى اللقاء', 'ma salama', 'maa salama', 'ma3a salama'],
  },
  zh: {
    greeting: ['你好', '您好', '嗨', '哈喽', '早上好', '下午好', '晚上好', '大家好', '你好呀', 'ni hao', 'nihao', 'nin hao'],
    thanks: ['谢谢', '谢谢你', '谢谢您', '多谢', '非常感谢', '感谢', '謝謝', 'xie xie', 'xiexie'],
    goodbye: ['再见', '再見', '拜拜', 'zai jian', 'zaijian', 'bai bai'],
  },
  ja: {
    greeting: ['こんにちは', 'こんにちわ', 'こんばんは', 'おはよう', 'おはようございます', 'はじめまして', 'konnichiwa', 'konnichi wa', 'konbanwa', 'ohayo', 'ohayou', 'ohayo gozaimasu'],
    thanks: ['ありがとう', 'ありがとうございます', 'ありがとうございました', 'どうも', 'どうもありがとう', 'arigato', 'arigatou', 'arigato gozaimasu', 'domo arigato'],
    goodbye: ['さようなら', 'さよなら', 'またね', '失礼します', 'sayonara', 'mata ne'],
  },
  hi: {
    greeting: ['नमस्ते', 'नमस्कार', 'हैलो', 'प्रणाम', 'namaste', 'namaskar', 'namaskaar', 'pranam'],
    thanks: ['धन्यवाद', 'शुक्रिया', 'बहुत धन्यवाद', 'बहुत शुक्रिया', 'dhanyavad', 'dhanyawad', 'dhanyavaad', 'shukriya', 'bahut dhanyavad', 'bahut shukriya'],
    goodbye: ['अलविदा', 'फिर मिलेंगे', 'alvida', 'phir milenge', 'fir milenge'],
  },
};

/** When languages disagree on what a shared phrase is ("ciao"), a greeting is the safest reply to it. */
const KIND_PRIORITY: readonly SmallTalk[] = ['greeting', 'thanks', 'goodbye'];

function buildLookup(): ReadonlyMap<string, SmallTalkMatch> {
  const entries = new Map<string, { kinds: Set<SmallTalk>; languages: string[] }>();
  for (const [language, kinds] of Object.entries(SMALL_TALK_PHRASES)) {
    for (const kind of KIND_PRIORITY) {
      for (const phrase of kinds[kind]) {
        const folded = normalizeText(phrase);
        const entry = entries.get(folded) ?? { kinds: new Set<SmallTalk>(), languages: [] };
        entry.kinds.add(kind);
        if (!entry.languages.includes(language)) entry.languages.push(language);
        entries.set(folded, entry);
      }
    }
  }
  const lookup = new Map<string, SmallTalkMatch>();
  for (const [folded, { kinds, languages }] of entries) {
    const kind = KIND_PRIORITY.find((k) => kinds.has(k)) ?? 'greeting';
    lookup.set(folded, { kind, language: languages.length === 1 ? languages[0] : undefined, languages });
  }
  return lookup;
}

const LOOKUP = buildLookup();

/** The small-talk kind of a whole message and the language its phrase belongs to, if it is one. */
export function detectSmallTalk(text: string): SmallTalkMatch | undefined {
  return LOOKUP.get(normalizeText(text));
}
