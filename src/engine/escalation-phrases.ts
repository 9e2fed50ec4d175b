/**
 * Per-language resources of the escalation detector (src/engine/escalation.ts). Each entry is a regular
 * expression fragment over folded text: lowercase, no diacritics, punctuation turned into single spaces, so
 * write "quelqu un" for "quelqu'un" and "hay alguien" for "¿hay alguien?". Diacritics may stay in the
 * source ("cilvēku"); they are folded the same way as the customer's text. Fragments are matched on word
 * boundaries; `alone` fragments must be the whole message ("agent", "operator").
 *
 * Precision matters more than recall for frustration: a wrong escalation takes a person's time, while a
 * missed one still reaches a person after two unanswered messages or when the customer asks.
 */

/** What a phrase signals, each with its own escalation reason. */
export type EscalationSignal = 'asked_for_human' | 'frustration' | 'bereavement' | 'fraud' | 'legal_threat' | 'self_harm';

export interface LanguagePhrases {
  /** Requests for a person anywhere in the message, direct or indirect. */
  asked_for_human: readonly string[];
  /** A request for a person when it is the whole message: "agent", "human please". */
  alone: readonly string[];
  frustration: readonly string[];
  bereavement: readonly string[];
  fraud: readonly string[];
  legal_threat: readonly string[];
  self_harm: readonly string[];
}

const PERSON_EN = '(someone|somebody|anyone|anybody|a person|person|a human|human|an agent|agent|an operator|operator|a representative|representative|a rep|a manager|manager|a supervisor|supervisor|(a )?(real|live|actual) (person|human|agent)|customer (service|support)|staff|a team member)';

export const ESCALATION_PHRASES: Readonly<Record<string, LanguagePhrases>> = {
  en: {
    asked_for_human: [
      `(speak|talk|chat) (to|with) ${PERSON_EN}`,
      `(connect|transfer|put) me (to|with|through to) ${PERSON_EN}`,
      `(i want|i need|i d like|id like|get me|give me) ${PERSON_EN}`,
      // "is there a person-size tent?" asks about a product, not for a person.
      '(is|are) (there )?(anyone|anybody|someone|somebody|a person|a human)(?! (size|sized|version|shaped))( there| here| available| around)?',
      '(anyone|anybody|someone|somebody) (there|here|around|available)',
      '(real|live|actual) (person|human|agent)',
      'not (a|the|this) (bot|robot|machine)',
      '(stop|enough of) (the|this) bot',
      'human (please|pls|now)',
    ],
    alone: ['agent', 'human', 'operator', 'representative', 'person', 'a person', 'a human', 'live agent', 'real person', 'customer service', '(agent|human|operator|person) (please|pls)'],
    frustration: [
      '(this is|that s|thats|it s|its) (absolutely |totally |completely |just )?(ridiculous|unacceptable|outrageous|absurd|pathetic|a joke|a disgrace|insane)',
      '(useless|stupid|dumb|pathetic|terrible|worthless|hopeless) (bot|chatbot|robot|service|company|shop|support)',
      '(you re|youre|you are) (useless|stupid|hopeless|incompetent|a joke)',
      '(i m|im|i am) (so |very |really |extremely |absolutely )?(angry|furious|livid|pissed( off)?|fed up|sick (and tired )?of)',
      'what the (hell|fuck|heck)',
      'wtf',
      'worst (customer )?(service|experience|company|shop|support)( ever)?',
      'fed up',
    ],
    bereavement: [
      '(mother|father|mum|mom|dad|husband|wife|son|daughter|brother|sister|partner|grandmother|grandfather|grandma|grandpa|parent|friend|uncle|aunt) (has |had |just )?(died|passed)',
      'passed away',
      'death of my', 'funeral', 'deceased', 'bereavement', 'late (husband|wife|mother|father|mom|dad|son|daughter)'],
    fraud: [
      '(i ve been|ive been|i was|i got|we ve been|been|was|got|is|has been|were) hacked',
      'hacked my',
      'fraud(ulent)?',
      'scam(med)?',
      'unauthori[sz]ed (charge|payment|transaction|purchase|order|access|login)',
      'identity theft',
      'stolen (card|credit card|account|identity)',
      '(someone|somebody) (used|stole|is using|has used|accessed|logged into) my (card|account|credit card|identity|details)',
      'i (didn t|did not|never) (make|order|place|authori[sz]e) (this|that|these|those)( order| payment| purchase| charge)?',
      'phishing',
    ],
    legal_threat: ['lawyer', 'attorney', 'solicitor', 'sue (you|your|the)', 'lawsuit', 'legal action', '(take|taking) you to court', 'small claims', 'court case', 'see you in court', 'report you to'],
    self_harm: [
      'kill (myself|me)',
      'suicid(e|al)',
      '(end|ending|take|taking) (my|my own) life',
      'end it all',
      'want to die',
      '(hurt|harm|cut|hurting|harming|cutting|killing) myself',
      'thinking (about|of) (suicide|ending (it|my life)|dying)',
      'self harm',
      'don t want to (live|be alive)',
      'dont want to (live|be alive)',
    ],
  },
  es: {
    asked_for_human: [
      '(quiero|necesito|prefiero) (hablar con )?(una persona|un humano|un agente|un operador|un asesor|alguien real)',
      '(hablar|comunicarme|chatear|contactar|hablo) con (una |un |el |la |alguna |algun )?(persona|humano|agente|operador|operadora|asesor|asesora|alguien|representante|encargado|empleado|responsable|persona real)',
      '(pasame|pasenme|paseme|ponme|pongame|comunicame|conecteme|conectame) con',
      '(hay|esta|habra) alguien( ahi| ahi| alli| por ahi)?',
      '(persona|humano) (real|de verdad)',
      'no (quiero|me sirve) (un|el|este) (bot|robot)',
    ],
    alone: ['agente', 'humano', 'operador', 'asesor', 'una persona', 'persona', '(agente|humano|operador|una persona) por favor'],
    frustration: [
      '(es|esto es|eso es) (ridiculo|inaceptable|una verguenza|indignante|un desastre|una broma|absurdo|vergonzoso)',
      'estoy (muy |super |muy muy )?(harto|harta|furioso|furiosa|enfadado|enfadada|cabreado|cabreada|molesto|molesta|indignado|indignada)',
      '(bot|servicio|atencion) (inutil|pesimo|pesima|horrible|de mierda|lamentable)',
      'que verguenza',
      'que (mierda|porqueria|asco)',
    ],
    // "murió" alone also says a phone battery died: only a person's death counts.
    bereavement: [
      'fallecio', 'fallecido', 'fallecida', 'fallecimiento', 'funeral', 'difunto', 'difunta', 'luto', 'velorio',
      '(padre|madre|papa|mama|esposo|esposa|marido|mujer|hijo|hija|hermano|hermana|abuelo|abuela|pareja|amigo|amiga|tio|tia) (se )?(murio|ha muerto)',
    ],
    fraud: ['hackeado', 'hackeada', 'hackearon', 'jaqueado', 'fraude', 'estafa', 'estafado', 'estafada', '(cargo|cobro|compra|pago) no (autorizado|autorizada|reconocido|reconocida)', 'robaron (mi|la) (tarjeta|cuenta|identidad)', 'suplantacion de identidad', 'phishing', 'yo no (hice|realice|compre) (este|esta|ese|esa)'],
    legal_threat: ['abogado', 'abogada', 'demanda(r|re|remos)?', 'acciones legales', 'accion legal', 'denuncia(r|re)?', 'tribunales', 'juzgado', 'via judicial'],
    self_harm: ['suicidarme', 'suicidio', 'suicida', 'quitarme la vida', 'quiero morir(me)?', 'hacerme dano', 'matarme', 'no quiero vivir'],
  },
  de: {
    asked_for_human: [
      'ich (will|mochte|brauche|hatte gern) (einen |eine )?(echten |echte )?(menschen|mitarbeiter|mitarbeiterin|berater|beraterin|person)',
      'mit (einem |einer |jemandem|einem echten |einer echten |dem |der )?(menschen|mensch|mitarbeiter|mitarbeiterin|berater|beraterin|person|agenten|jemandem|kundenberater|kundendienst|operator|sachbearbeiter)( \\w+)* (sprechen|reden|chatten|verbinden|verbunden|schreiben)',
      '(verbinden|verbinde|leiten|leite) (sie |du )?mich (bitte )?(mit|an|zu|weiter)',
      '(ist|gibt es) (da |hier )?(jemand|einen menschen|einen mitarbeiter)',
      'echte(n|r|s)? (mensch|menschen|person|mitarbeiter)',
      'kein(en)? (bot|roboter|chatbot)',
    ],
    alone: ['mitarbeiter', 'mensch', 'berater', 'agent', 'operator', 'kundendienst', '(mitarbeiter|mensch|berater) bitte'],
    frustration: [
      '(das ist|es ist|ist das) (ja )?(lacherlich|unverschamt|inakzeptabel|eine frechheit|eine unverschamtheit|eine katastrophe|ein witz|absurd)',
      'ich bin (so |sehr |total |echt |wirklich )?(wutend|sauer|verargert|stinksauer|genervt|emport)',
      '(nutzlose[rs]?|dumme[rs]?|blode[rs]?|unfahige[rs]?) (bot|service|laden|firma|kundendienst)',
      'frechheit',
      'unverschamtheit',
      'die nase (gestrichen )?voll',
      'schlechteste[rn]? (service|firma|laden|kundenservice)',
    ],
    bereavement: ['verstorben', 'gestorben', 'todesfall', 'beerdigung', 'trauerfall', 'verstorbene[nrm]?', 'ist tot'],
    fraud: ['gehackt', 'betrug', 'betruger', 'betrugerisch', '(nicht autorisierte|unberechtigte|unbekannte) (abbuchung|zahlung|bestellung|belastung)', 'identitatsdiebstahl', 'karte (wurde )?gestohlen', 'phishing', 'habe ich nicht (bestellt|bezahlt|gekauft)'],
    legal_threat: ['anwalt', 'anwaltin', 'rechtsanwalt', 'verklagen', 'klage', 'rechtliche schritte', 'vor gericht', 'verbraucherzentrale', 'anzeige erstatten'],
    self_harm: ['mich umbringen', 'selbstmord', 'suizid', 'nicht mehr leben', 'will sterben', 'mir (etwas|was) antun', 'mein leben beenden'],
  },
  fr: {
    asked_for_human: [
      'je (veux|voudrais|souhaite) (un|une) (humain|conseiller|conseillere|vraie personne|operateur)',
      '(parler|discuter|echanger) (a|avec) (un |une |quelqu un|un vrai |une vraie |le |la )?(personne|humain|conseiller|conseillere|agent|operateur|operatrice|quelqu un|responsable|employe|service client)',
      '(mettez|mets|passez|passe) (moi|me) (en relation|en contact|un conseiller|un humain|quelqu un)',
      '(y a t il|il y a|y a|est ce qu il y a) (quelqu un|une personne|un humain)',
      '(vrai|vraie|veritable) (personne|humain|conseiller)',
      'pas (un|le|ce) (bot|robot)',
    ],
    alone: ['conseiller', 'humain', 'operateur', 'agent', 'une personne', 'quelqu un', '(conseiller|humain|operateur) (svp|s il vous plait|stp)'],
    frustration: [
      '(c est|cest|c etait) (ridicule|inadmissible|inacceptable|scandaleux|honteux|n importe quoi|une honte|absurde|lamentable)',
      'je suis (tres |vraiment |super |completement )?(furieux|furieuse|en colere|enerve|enervee|excede|excedee|degoute|degoutee)',
      '(bot|service|robot) (inutile|nul|lamentable|pourri)',
      'j en ai marre',
      'ras le bol',
      'quelle honte',
    ],
    bereavement: ['decede', 'decedee', 'deces', 'est mort', 'est morte', 'obseques', 'funerailles', 'enterrement', 'defunt', 'defunte', 'deuil'],
    fraud: ['pirate', 'piratee', 'hacke', 'fraude', 'frauduleux', 'frauduleuse', 'arnaque', 'escroquerie', '(prelevement|paiement|achat|debit) (non autorise|frauduleux|inconnu)', 'usurpation d identite', 'carte volee', 'phishing', 'je n ai (jamais )?(pas )?(commande|fait|passe) (cette|ce)'],
    legal_threat: ['avocat', 'avocate', 'poursuivre en justice', 'porter plainte', 'tribunal', 'action en justice', 'mise en demeure', 'huissier'],
    self_harm: ['me suicider', 'suicide', 'suicidaire', 'mettre fin a mes jours', 'envie de mourir', 'me tuer', 'je veux mourir', 'me faire du mal'],
  },
  lv: {
    asked_for_human: [
      '(gribu|vajag|vēlos|lūdzu) (īstu |dzīvu )?(cilvēku|operatoru|konsultantu|darbinieku)',
      '(runāt|parunāt|sarunāties|sazināties|savienot|savienojiet|savieno|sazinat|runat) (mani )?ar (cilvēku|operatoru|konsultantu|darbinieku|kādu|menedžeri|speciālistu|īstu cilvēku|dzīvu cilvēku|klientu apkalpošanu)',
      '(vai|vai tur|vai te|vai šeit) (ir )?kāds( ir)?( tur| te| šeit)?$',
      '(īsts|īstu|dzīvs|dzīvu) (cilvēks|cilvēku)',
      'ne(gribu|vēlos) (runāt ar )?(botu|robotu)',
    ],
    alone: ['operators', 'operatoru', 'cilvēks', 'cilvēku', 'konsultants', 'konsultantu', 'darbinieks', 'darbinieku', '(operators|operatoru|cilvēks|cilvēku|konsultants|konsultantu|darbinieku) lūdzu'],
    frustration: [
      'tas ir (vienkārši )?(smieklīgi|neizturami|nepieņemami|kauns|absurdi|briesmīgi|nekaunīgi)',
      '(es )?esmu (ļoti |tik |pavisam )?(dusmīgs|dusmīga|nikns|nikna|sašutis|sašutusi|pārskaities|pārskaitusies)',
      '(bezjēdzīgs|stulbs|nederīgs) (bots|robots|serviss|veikals)',
      'man (ir )?(apnicis|pietiek)',
      'kāds kauns',
      'kauns un negods',
    ],
    bereavement: ['nomira', 'nomiris', 'nomirusi', 'mirusi', 'miris', 'bēres', 'bērēm', 'nāve', 'nāves gadījum', 'aizgāja mūžībā'],
    fraud: ['uzlauzts', 'uzlauzta', 'uzlauza', 'uzlauzuši', 'krāpšana', 'krāpniec\\w*', 'krāpnieki', 'krāpnieku', 'neatļaut\\w* (maksājum\\w*|darījum\\w*|pirkum\\w*)', 'nozagta (karte|identitāte)', 'es (to )?neesmu (pasūtījis|pasūtījusi|veicis|veikusi)'],
    legal_threat: ['jurist\\w*', 'advokāt\\w*', 'tiesā', 'tiesu', 'sūdzēšu', 'iesūdzēšu', 'prasību tiesā', 'ptac', 'patērētāju tiesību'],
    self_harm: ['pašnāvīb\\w*', 'nogalināt sevi', 'gribu nomirt', 'negribu (vairs )?dzīvot', 'nodarīt sev pāri', 'izbeigt savu dzīvi'],
  },
  pt: {
    asked_for_human: [
      '(quero|preciso de|gostaria de) (um|uma) (atendente|humano|pessoa|operador|agente)',
      '(falar|conversar|falo) com (um |uma |o |a |algum |alguma )?(pessoa|humano|atendente|agente|operador|operadora|alguem|assistente|consultor|consultora|pessoa real|funcionario|funcionaria)',
      '(me )?(passa|passe|transfere|transfira|coloca|coloque) (me )?(para|pra|com) (um|uma|o|a|alguem)',
      '(tem|ha|existe) alguem( ai| ai| aqui| online)?',
      '(pessoa|humano) (real|de verdade)',
      'nao (quero|aguento) (um|o|este|esse) (bot|robo)',
    ],
    alone: ['atendente', 'humano', 'operador', 'agente', 'uma pessoa', '(atendente|humano|operador) por favor'],
    frustration: [
      '(isso e|isto e|e) (ridiculo|inaceitavel|um absurdo|uma vergonha|revoltante|uma palhacada)',
      'estou (muito |super |muito muito )?(irritado|irritada|furioso|furiosa|revoltado|revoltada|farto|farta|puto|puta|indignado|indignada)',
      '(bot|servico|atendimento) (inutil|pessimo|horrivel|lixo|de merda)',
      'que (vergonha|absurdo|palhacada)',
    ],
    bereavement: ['faleceu', 'falecido', 'falecida', 'falecimento', 'morreu', 'funeral', 'luto', 'velorio', 'obito'],
    fraud: ['hackeado', 'hackeada', 'hackearam', 'invadida', 'invadiram', 'fraude', 'golpe', '(cobranca|compra|pagamento) (nao autorizada|nao autorizado|desconhecida|desconhecido)', 'roubaram (meu|minha) (cartao|conta|identidade)', 'cartao roubado', 'phishing', 'eu nao (fiz|realizei) (esta|essa|este|esse)'],
    legal_threat: ['advogado', 'advogada', 'processar', 'processo judicial', 'acao judicial', 'tribunal', 'procon'],
    self_harm: ['me matar', 'suicidio', 'suicidar', 'quero morrer', 'tirar (a )?minha (propria )?vida', 'me machucar', 'nao quero (mais )?viver'],
  },
  it: {
    asked_for_human: [
      '(voglio|vorrei) (un|una) (operatore|operatrice|persona|umano|consulente)',
      '(parlare|chattare|parlo) con (un |una |qualcuno|un vero |una vera |l )?(persona|umano|operatore|operatrice|agente|qualcuno|consulente|addetto|addetta|assistente)',
      '(passami|passatemi|mettimi in contatto con|mi passi) (un|una|qualcuno|l)',
      'c e qualcuno',
      '(persona|umano) (vera|vero|reale)',
      'non (voglio|sopporto) (un|il|questo) (bot|robot)',
    ],
    alone: ['operatore', 'umano', 'agente', 'una persona', 'assistenza', '(operatore|umano) per favore'],
    frustration: [
      '(e|questo e|e davvero) (ridicolo|inaccettabile|assurdo|una vergogna|vergognoso|una presa in giro|uno schifo)',
      'sono (molto |davvero |proprio )?(arrabbiato|arrabbiata|furioso|furiosa|stufo|stufa|incazzato|incazzata|esasperato|esasperata)',
      '(bot|servizio|assistenza) (inutile|pessimo|pessima|schifoso|schifosa)',
      'che vergogna',
      'che schifo',
    ],
    bereavement: ['e morto', 'e morta', 'deceduto', 'deceduta', 'decesso', 'scomparso', 'scomparsa', 'funerale', 'lutto', 'defunto', 'defunta'],
    fraud: ['hackerato', 'hackerata', 'violato', 'violata', 'frode', 'truffa', 'truffato', 'truffata', '(addebito|pagamento|acquisto) non (autorizzato|riconosciuto)', 'furto d identita', 'carta rubata', 'phishing', 'non ho (fatto|effettuato) (questo|questa|quest)'],
    legal_threat: ['avvocato', 'avvocata', 'fare causa', 'faro causa', 'denuncia', 'denunciare', 'denuncio', 'tribunale', 'azioni legali', 'vie legali'],
    self_harm: ['suicidarmi', 'suicidio', 'togliermi la vita', 'voglio morire', 'uccidermi', 'farmi del male', 'non voglio (piu )?vivere'],
  },
  nl: {
    asked_for_human: [
      'ik wil (een )?(echte )?(mens|medewerker|persoon)',
      'met (een |de |iemand|een echte )?(mens|medewerker|medewerkster|persoon|iemand|agent|operator|klantenservice)( \\w+)* (spreken|praten|chatten|bellen)',
      '(spreken|praten|chatten) met (een |de |iemand)?(echte )?(mens|medewerker|persoon|iemand)',
      '(verbind|doorverbinden|verbinden)( \\w+)* (met|naar) (een |de )?(mens|medewerker|persoon|iemand)',
      '(is|zit) (er )?iemand',
      '(echte|echt) (mens|persoon)',
      'geen (bot|robot)',
    ],
    alone: ['medewerker', 'mens', 'operator', 'agent', 'een mens', 'klantenservice', '(medewerker|mens) (graag|alstublieft|aub)'],
    frustration: [
      '(dit is|het is|wat) (echt )?(belachelijk|onacceptabel|schandalig|een schande|een grap|absurd|waardeloos)',
      'ik ben (zo |erg |echt |heel )?(boos|woedend|kwaad|het zat|het beu|pissig)',
      '(nutteloze|waardeloze|stomme) (bot|service|klantenservice|winkel)',
      'wat een schande',
      'ik ben het zat',
    ],
    bereavement: ['overleden', 'overlijden', 'begrafenis', 'is gestorven', 'crematie', 'rouw'],
    fraud: ['gehackt', 'gehacked', 'fraude', 'oplichting', 'opgelicht', 'oplichters', '(niet geautoriseerde|onbekende) (afschrijving|betaling|bestelling)', 'identiteitsfraude', 'gestolen (kaart|pas|account)', 'phishing', 'heb ik niet (besteld|betaald)'],
    legal_threat: ['advocaat', 'rechtszaak', 'aanklagen', 'juridische stappen', 'naar de rechter', 'rechter', 'aangifte doen', 'consumentenbond'],
    self_harm: ['zelfmoord', 'suicide', 'mezelf van kant', 'wil dood', 'mezelf (iets )?aandoen', 'niet meer leven', 'een einde aan mijn leven'],
  },
  pl: {
    asked_for_human: [
      '(chce|chcę|potrzebuje|poprosze) (z )?(konsultanta|czlowieka|operatora|pracownika|konsultantem)',
      '(rozmawiac|porozmawiac|pogadac|polaczyc|polacz|polaczcie|skontaktowac sie) (mnie )?z (kims|czlowiekiem|konsultantem|konsultantka|pracownikiem|operatorem|osoba|agentem|prawdziwym czlowiekiem|zywym czlowiekiem)',
      'czy (jest )?(ktos|ktokolwiek)( tam| tu)?$',
      '(zywy|prawdziwy|zywego|prawdziwego) (czlowiek|czlowieka|konsultant)',
      'nie (chce|chcę) (z )?(botem|bota|robotem)',
    ],
    alone: ['konsultant', 'czlowiek', 'operator', 'agent', 'pracownik', '(konsultant|czlowiek|operator) prosze'],
    frustration: [
      '(to jest|to) (skandal|zenujace|niedopuszczalne|smieszne|zalosne|zenada|zart|absurd)',
      'jestem (bardzo |strasznie |naprawde )?(zly|zla|wsciekly|wsciekla|wkurzony|wkurzona|zirytowany|zirytowana)',
      '(beznadziejny|glupi|bezuzyteczny|durny) (bot|serwis|sklep)',
      'mam (juz )?dosc',
      'co za (skandal|zenada|porazka)',
    ],
    bereavement: ['zmarl', 'zmarla', 'zmarlego', 'zmarlej', 'pogrzeb', 'smierc', 'smierci', 'zaloba'],
    fraud: ['zhakowane', 'zhakowany', 'zhakowali', 'wlamanie (na|do) (konto|konta)', 'oszustwo', 'oszust\\w*', 'wyludzenie', 'nieautoryzowan\\w* (transakcj\\w*|platnos\\w*|zamowien\\w*)', 'kradziez tozsamosci', 'skradzion\\w* kart\\w*', 'phishing', 'nie (zamawialem|zamawialam|robilem|robilam) (tego|tej)'],
    legal_threat: ['prawnik', 'adwokat', 'pozew', 'pozwe', 'pozwac', 'do sadu', 'w sadzie', 'kroki prawne', 'rzecznik konsumentow', 'uokik'],
    self_harm: ['samobojstw\\w*', 'zabic sie', 'zabije sie', 'chce umrzec', 'odebrac sobie zycie', 'skrzywdzic siebie', 'nie chce (juz )?zyc'],
  },
  ru: {
    asked_for_human: [
      '(нужен|нужна|дайте|хочу|позовите) (живой |живого )?(оператор|оператора|человек|человека|консультант|консультанта|сотрудник|сотрудника|менеджер|менеджера)',
      '(поговорить|говорить|связаться|соедините|соединить|переключите|переведите|позовите|позвать|свяжите) (меня )?(с |на )?(живым |настоящим )?(человеком|оператором|консультантом|сотрудником|менеджером|специалистом|кем нибудь|кем то|оператора|консультанта|менеджера|специалиста|человека)',
      '(есть|тут|здесь) (кто нибудь|кто то|кто)( есть| живой)?$',
      '(кто нибудь|кто то) (есть|тут|здесь|живой)',
      '(живой|живого|настоящий|настоящего|реальный) (человек|человека|оператор|оператора)',
      'не (хочу|надо) (с )?(бот\\w*|робот\\w*)',
    ],
    alone: ['оператор', 'человек', 'консультант', 'менеджер', 'живой человек', '(оператор|человек|консультант|оператора) пожалуйста'],
    frustration: [
      'это (просто )?(возмутительно|безобразие|издевательство|позор|ужасно|неприемлемо|смешно|абсурд)',
      'я (очень |так |просто )?(зол|зла|злюсь|в ярости|в бешенстве|возмущен|возмущена)',
      '(бесполезный|тупой|глупый|ужасный) (бот|сервис|магазин)',
      'надоело',
      'достали',
      'безобразие',
      'какой позор',
    ],
    bereavement: ['умер', 'умерла', 'скончался', 'скончалась', 'похороны', 'смерть', 'смерти', 'покойн\\w*'],
    fraud: ['взломали', 'взломан\\w*', 'взлом', 'мошенничество', 'мошенник\\w*', 'несанкционированн\\w* (списани\\w*|платеж\\w*|операци\\w*)', 'украли (мою |мои )?(карту|аккаунт|данные)', 'кража личности', 'фишинг', 'я (этого |это )?не (заказывал|заказывала|оплачивал|оплачивала)'],
    legal_threat: ['адвокат\\w*', 'юрист\\w*', 'в суд', 'судом', 'подам иск', 'иск', 'роспотребнадзор', 'прокуратур\\w*'],
    self_harm: ['покончить с собой', 'суицид\\w*', 'самоубийств\\w*', 'хочу умереть', 'убить себя', 'покончу с собой', 'не хочу жить', 'причинить себе вред'],
  },
};
