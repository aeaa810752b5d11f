"""The crisis backstop on its own, as Rasa runs it: trained into model storage, loaded back.

Messages go through the project's NLU components in config.yml's order
(tests/nlu/pipeline.py): the tokenizer, the lexicon entity extractor, then
CrisisBackstop, last. No intent model is involved: these tests show what the
patterns catch when the model catches nothing (or what a test says it found).

Run with -s to see the figures on the held-out safety sets.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from typing import Dict, List

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.errors import MatchPatternError

from addons.nlu.crisis import (
    AFTER_A_STOP,
    AFTER_AN_EMERGENCY,
    BACKSTOP_KEY,
    DEMOTED,
    STOP_TOLD,
    CrisisBackstop,
)
from tests.nlu.pipeline import CONTEXT, Pipeline, train

ROOT = Path(__file__).resolve().parents[2]
SAFETY = ROOT / "tests" / "safety"
LEXICON = ROOT / "data" / "lexicon" / "crisis.yml"

INTENT_OF_KIND = {
    "overdose": "emergency_overdose",
    "overdose_self": "emergency_overdose_self",
    "naloxone_failed": "emergency_naloxone_failed",
    "suicide": "emergency_suicide",
    "seizure": "emergency_seizure",
    "withdrawal": "emergency_withdrawal",
    "stimulant": "emergency_stimulant",
    "calling": "emergency_calling",
    "ask_911": "emergency_ask_911",
}
MIN_RECALL = 0.95
MAX_FALSE_ALARM_RATE = 0.02


def emergencies() -> List[Dict[str, str]]:
    return yaml.safe_load((SAFETY / "emergencies.yml").read_text())["emergencies"]


def near_misses() -> List[str]:
    items = yaml.safe_load((SAFETY / "near_misses.yml").read_text())["near_misses"]
    return [item["text"] for item in items]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return Pipeline(tmp_path_factory.mktemp("model"))


# --- The held-out safety sets ----------------------------------------------------
def test_the_backstop_alone_catches_the_emergencies(pipeline: Pipeline) -> None:
    items = emergencies()
    missed, wrong = [], []
    for item in items:
        found = pipeline.intent(item["text"])
        if found is None:
            missed.append(item)
        elif found != INTENT_OF_KIND[item["kind"]]:
            wrong.append((item, found))
    recall = (len(items) - len(missed) - len(wrong)) / len(items)
    print(
        f"\nCrisis backstop alone: {len(items) - len(missed) - len(wrong)} of {len(items)}"
        f" emergencies caught with the right kind ({recall:.1%});"
        f" {len(missed)} missed, {len(wrong)} with the wrong kind."
    )
    for kind in INTENT_OF_KIND:
        of_kind = [item for item in items if item["kind"] == kind]
        caught = [item for item in of_kind if item not in missed]
        print(f"  {kind}: {len(caught)} of {len(of_kind)}")
    for item in missed:
        print(f"  missed ({item['kind']}): {item['text']}")
    # Alone, a question about calling may stay one: the model, when sure,
    # reads the danger in it (refined_by_model in the lexicon).
    refined = yaml.safe_load(LEXICON.read_text())["refined_by_model"]
    wrong = [(item, found) for item, found in wrong if found not in refined]
    assert not wrong, f"caught as the wrong kind: {wrong}"
    assert recall >= MIN_RECALL


def test_the_backstop_alone_rarely_fires_on_near_misses(pipeline: Pipeline) -> None:
    texts = near_misses()
    fired = [(text, pipeline.parse(text).get(BACKSTOP_KEY)) for text in texts]
    fired = [(text, mark["pattern"]) for text, mark in fired if mark]
    rate = len(fired) / len(texts)
    print(
        f"\nCrisis backstop alone: fired on {len(fired)} of {len(texts)} near misses ({rate:.1%})."
    )
    for text, pattern in fired:
        print(f"  fired ({pattern}): {text}")
    assert rate <= MAX_FALSE_ALARM_RATE, fired


def test_the_safety_sets_are_big_enough_and_held_out() -> None:
    items = emergencies()
    assert len(items) >= 476 and len(near_misses()) >= 410
    for kind in ("overdose", "suicide", "seizure"):
        assert sum(item["kind"] == kind for item in items) >= 50, kind
    for kind in INTENT_OF_KIND:
        assert sum(item["kind"] == kind for item in items) >= 10, kind

    def norm(text: str) -> str:
        return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())

    held_out = {norm(item["text"]) for item in items} | {norm(text) for text in near_misses()}
    assert not {norm(item["text"]) for item in items} & {norm(text) for text in near_misses()}
    trained = set()
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    example = re.sub(r"\[([^\]]*)\][({][^)}]*[)}]", r"\1", line.strip()[2:])
                    trained.add(norm(example))
    assert not held_out & trained, f"safety messages used for training: {held_out & trained}"


# --- Figures of speech and other vetoes -------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "I'm dying to know if this is normal",
        "this twitching is killing me lol",
        "I almost died laughing",
        "I take my Xanax exactly as prescribed",
        "I've been clean from heroin for three years",
        "does naloxone cause twitching?",
        "what are the signs of an overdose?",
        "my friend od'd last year and i miss him",
        "i've never overdosed",
        "i'm not suicidal, i just can't sleep",
        "i don't want to die, i want help",
        "how do i know if someone is overdosing",
        "what happens if you take too much oxy",
        "my muscles are seizing up",
        "i'm worried about overdosing one day",
        "i ran 5 kms today",
        "i need to end it with my dealer",
        "my fingers are blue from the cold",
        # The past and recovery, with nothing happening now.
        "he used to overdose a lot but hes been clean for years",
        "his lips were blue when we found him back in 2019",
        "i was unconscious for a day the last time i relapsed",
        "i quit drinking in 2015 and had the dts",
        "he was hallucinating when he quit drinking",
        "i did coke last year and had chest pains",
        # Look-alikes of the new kinds.
        "i'm calling admissions tomorrow",
        "can i get in trouble for calling 911",
        "should i go to the er for my twitching",
        "i take 2 percs a day",
        "my mom had a fit when she found my pills",
        "me muero de risa",
        "no quiero morir, quiero ayuda",
        "mi hermano tuvo una sobredosis hace dos años",
        # Found in role-play: a button label, a teenager asking for help, effort and a cold.
        "Go on with the questions",
        "can i get help without my parents knowing? im 16",
        "its hard to breathe when i run",
        "i cant breathe through my nose at night",
        "im confused about why my hands are shaking",
        "should i carry narcan",
        "my chest hurts when i cough",
        "he sees people about it",
        "she's not making dinner tonight",
        # Found in role-play (rp7): a seizure last week, questions about signs, mild shakes.
        "she had a seizure last tuesday, shes fine now",
        "is it an overdose sign?",
        "quit drinking 2 days ago, hands a bit shaky but im ok",
        "i quit drinking 3 years ago",
        "i'll wait until they get back to me",
        # Found in role-play (rp8): denials, calling admissions, preparing, a risk question.
        "nobody is overdosing, i just want to know who sees this",
        "no one od'd, im asking for later",
        "ok calling now thanks",
        "no im calling now",
        "how can i tell if shes overdosing",
        "what are the signs to watch out for",
        "could this mean he will have a seizure",
        "i knocked on wood",
        "what happens if she has a seizure",
        # Found in role-play (rp13, rp14): the past, a question about what may come.
        "last time i went cold turkey like 2 yrs ago i had a seizure",
        "if she ever had a seizure from this, what should i do?",
        "if i ever took a double dose by accident what do i do",
        "my brother stopped breathing last night, the ER discharged him this morning",
        "i overdosed last night but the hospital let me go",
        "que hago si le da una convulsion?",
        "q señales tiene una sobredosis",
        "he tried to kill himself last year but hes doing better",
        "im confused about what you mean",
        "que? nadie tiene sobredosis. pregunte si yo puedo llamar a admisiones por mi esposo",
        "nadie tiene sobredosis. le pregunto si atienden menores de edad",
        "como se cuando es sobredosis",
        "no le esta dando una convulsion, es por si acaso",
        "hace tres años me dio una convulsion",
        "me tome una pastilla para dormir",
        "respira bien, nada mas esta cansado",
        "no quiero vivir con mi suegra",
        "tengo los labios morados del frio",
        "my brother is odd",
        "he's odd",
        "my son odd last night but hes ok now",
        "que es el delirium tremens",
        "si llamo al 911 me arrestan?",
        "que es una sobredosis",
        "he's up now and eating breakfast",
        "i won't be around next week, we're visiting my sister",
        "quiero acabar con todo esto de las drogas",
        "What would happen if I took too many by accident? Would I overdose? I'm fine right "
        "now, just wondering.",
        "ya no aguanto el dolor de espalda",
        "tiene muchas pastillas de la presion",
        "Hola. El año pasado mi hijo convulsionó cuando dejó el Xanax de golpe. Ahora está "
        "bien, ya no lo toma, pero le dan unos brincos en los brazos. Es normal?",
        "what? he didnt stop anything, nobody is having a seizure. I just want to know if the "
        "jerking is bad",
        "NOBODY IS HAVING A SEIZURE. stop",
        "my heart races when im nervous",
        "hi. a year ago i was in a really dark place and tried to overdose on purpose. im doing "
        "better now and in therapy",
        "si, xanax de 2mg que me receto el psiquiatra. el año pasado los deje de cantazo y me "
        "dio una convulsion, por eso ahora los tomo igualito",
        "my gun is in the safe, i dont use it",
        "my man been noddin out n jerkin. he do blues n drink henny. wat do i do",
        "hola, no uso drogas ni tomo, pero cuando me estoy quedando dormida me da un brinco todo "
        "el cuerpo. es normal?",
        "he took the rest of the bottle of wine last night and he is fine",
        "i dont care if i wake up late tomorrow",
        "Yes the Klonopin, 1mg twice a day. My doctor wants me to taper. Years ago I ran out for "
        "a few days and had a seizure, so I'm nervous.",
        "Vicodin, from his dentist at first, now I don't know where he gets them",
        "hola, hace dos años deje el xanax de golpe y me dio una convulsion, pero ahorita estoy "
        "bien",
        "se me olvido tomarme todas las pastillas ayer",
        "last year i almost died mixing xanax and alcohol, stopped breathing and my gf called 911. "
        "im ok now and off xanax but my muscles twitch",
        # The assistant did not answer; a general question; a seizure years ago
        "you didnt answer me about mixing",
        "pero como se sabe si es sobredosis? cuales son las señales",
        "la cara y los parpados. una vez hace como 6 anos me dio una convulsion pero fue cuando "
        "me pegue en la cabeza, desde ahi nada",
        "no le veo sentido a estas preguntas",
        "no nunca. oye una pregunta, de chamaquita me dio una convulsion por fiebre, eso tiene que ver?",
        "desde anteayer. ayer casi me da un ataque de panico, el corazon a mil, sudando. eso es peligroso?",
        "que convulsion? yo no dije convulsion, dije ataque de panico. ya estoy bien. SEGUIR",
        "i had a seizure once when i was like 12",
        "im not calling 911 they'll judge me",
        "no gracias, le voy a pasar el numero a el. y donde consigo el narcan?",
        "i dont see the point of these questions anymore",
        "wait entonces es peligroso? me voy a morir o que lol. puede ser por los monsters?",
        "i dont really see the point of these questions",
        "since he got caught, so 4 days. we took all his pills away",
        "im killing myself with these finals lmao",
        "casi me da un infarto jaja",
        "me voy a morir de una sobredosis de cafe jaja",
        "tbh i think i overdosed on preworkout this morning lmao 3 scoops",
        "my neck went stiff and my hands were shaking from the coffee",
    ],
)
def test_vetoes_and_ordinary_messages_do_not_fire(pipeline: Pipeline, text: str) -> None:
    message = pipeline.parse(text, model=("inform", 0.9))
    assert message.get(INTENT)["name"] == "inform"
    assert message.get(BACKSTOP_KEY) is None


@pytest.mark.parametrize(
    "text, intent",
    [
        # A veto only cancels what it covers or its own clause.
        ("this is killing me, i want to kill myself", "emergency_suicide"),
        ("i'm not suicidal but i want to die", "emergency_suicide"),
        ("my friend od'd last year. now my brother isnt breathing", "emergency_overdose"),
        ("what are the signs of an overdose? his lips are blue", "emergency_overdose"),
        ("i take it as prescribed but he took too much and wont wake up", "emergency_overdose"),
        ("he was sober for a year and he just overdosed", "emergency_overdose"),
        # No memory hides a present danger sign, in its own clause or not.
        ("he used to be an addict hes not breathing", "emergency_overdose"),
        ("clean since march used tonight not breathing", "emergency_overdose"),
        ("he was clean 2 years and relapsed tonight and od'd", "emergency_overdose"),
        ("got out of jail yesterday hes blue", "emergency_overdose"),
        ("she got out of rehab last week and her lips are blue", "emergency_overdose"),
        ("i take my xanax as prescribed but today i cant stay awake", "emergency_overdose_self"),
        ("my friend od'd last year and now my brother is overdosing", "emergency_overdose"),
        # What was stopped is the past by nature: no past veto cancels it.
        ("he quit drinking last week and now hes seeing bugs", "emergency_withdrawal"),
        # The new kinds.
        (
            "i took like 6 of my oxys and 2 xanax and im getting really sleepy",
            "emergency_overdose_self",
        ),
        ("I took all my pills", "emergency_overdose_self"),
        ("im alone. can i just sleep it off?", "emergency_overdose_self"),
        ("narcan didn't work", "emergency_naloxone_failed"),
        ("i gave her narcan and shes still not breathing", "emergency_naloxone_failed"),
        ("my dad quit drinking 2 days ago, hes shaking and hallucinating", "emergency_withdrawal"),
        ("my wife says I had a seizure last night", "emergency_withdrawal"),
        ("i quit xanax monday and im about to have a seizure", "emergency_seizure"),
        ("chest pain and my heart is racing after coke", "emergency_stimulant"),
        ("ok im calling", "emergency_calling"),
        ("should i call 911?", "emergency_ask_911"),
        ("should i call 911? hes not breathing", "emergency_overdose"),
        ("mi hijo se desmayó y casi no respira, tiene los labios morados", "emergency_overdose"),
        ("mi esposa está convulsionando", "emergency_seizure"),
        ("me quiero matar", "emergency_suicide"),
        # Found in role-play: breathing, confusion and naloxone, told as frightened people do.
        (
            "I took some pills my friend gave me, and my chest feels really tight and hurts, "
            "hard to breathe",
            "emergency_overdose_self",
        ),
        ("its getting harder to breathe", "emergency_overdose_self"),
        ("i cant breathe right", "emergency_overdose_self"),
        ("my chest hurts and i have trouble breathing", "emergency_overdose_self"),
        ("she is confused and shaking. what do i do", "emergency_withdrawal"),
        ("please he is seeing things and shaking, i dont know what to do", "emergency_withdrawal"),
        ("she doesnt know what day it is. she wont go to the ER", "emergency_withdrawal"),
        ("like shes having little shocks. she also seems confused", "emergency_withdrawal"),
        (
            "he takes oxy and some of my xanax. i have narcan should i use it??",
            "emergency_overdose",
        ),
        ("hes breathing weird and snoring. NARCAN YES OR NO", "emergency_overdose"),
        ("now he say he see bugs on the wall and he sweating very much", "emergency_withdrawal"),
        (
            "Should I be taking her somewhere? she's not making a lot of sense",
            "emergency_withdrawal",
        ),
        ("now my chest kinda hurts", "emergency_overdose_self"),
        ("ok i gave him narcan hes waking up", "emergency_overdose"),
        # Typing as people do.
        ("HES NOT BREATHIN", "emergency_overdose"),
        ("my gf od’d", "emergency_overdose"),
        ("lips r blu", "emergency_overdose"),
        ("wanna kms", "emergency_suicide"),
        ("seizure!!", "emergency_seizure"),
        ("overdose 😭", "emergency_overdose"),
        ("shes seizing", "emergency_seizure"),
        # Two kinds at once: the body emergency comes first.
        ("i took a whole bottle of pills i want to die", "emergency_overdose_self"),
        ("hes shaking and wont wake up", "emergency_seizure"),
        # A veto can be limited to one kind: this is a wish, not someone unconscious.
        ("i wish i just wouldnt wake up", "emergency_suicide"),
        # Found in role-play (rp7).
        ("thinking about taking them all tonight", "emergency_suicide"),
        ("i dont want an ambulance", "emergency_ask_911"),
        ("can i just let him sleep it off", "emergency_ask_911"),
        ("i feel like im dying, is it serious", "emergency_ask_911"),
        ("what do i do till the paramedics get here", "emergency_calling"),
        ("stopped drinking yesterday and im shaking", "emergency_withdrawal"),
        ("been out of xanax since sunday", "emergency_withdrawal"),
        # A sign said of someone else is not a self-report.
        ("he took 5 bars and hes really sleepy", "emergency_overdose"),
        # `yields`: chest pain alone is the self-overdose answer; days after
        # stopping drinking, the withdrawal one.
        ("my chest is tight", "emergency_overdose_self"),
        ("quit drinking yesterday and my chest is tight", "emergency_withdrawal"),
        # Found in role-play (rp8).
        ("hes in the bathroom and not answering", "emergency_overdose"),
        ("this morning she fell down shaking and didnt know where she was", "emergency_withdrawal"),
        ("the paramedics are on the way", "emergency_calling"),
        # Found in role-play (rp13, rp14).
        ("shes passed out after valium and wine, snoring loud and weird", "emergency_overdose"),
        ("i tried to wake her up and she wont", "emergency_overdose"),
        ("he stopped seizing but now he wont wake up", "emergency_overdose"),
        ("last night he od'd, and now hes not breathing again", "emergency_overdose"),
        ("ya dejo de convulsionar pero no despierta y respira bien lento", "emergency_overdose"),
        ("no respira bien, se metio algo", "emergency_overdose"),
        ("se metio heroina y esta azul", "emergency_overdose"),
        ("le puse la naloxona y no lo desperto", "emergency_naloxone_failed"),
        ("deje las benzos hace 2 dias y oigo voces", "emergency_withdrawal"),
        ("se me acabo el xanax el lunes y veo bichos", "emergency_withdrawal"),
        ("esta echando espuma por la boca", "emergency_seizure"),
        ("ay dios se callo al piso y se esta sacudiendo todo no me contesta", "emergency_seizure"),
        ("ya llame. que hago mientras llegan", "emergency_calling"),
        (
            "my friend is texting me that he wants to kill himself and he has a gun",
            "emergency_suicide",
        ),
        (
            "right now hes staring at nothing and not answering me and his arm keeps jerking",
            "emergency_seizure",
        ),
        ("i dont have narcan. what do i do while waiting", "emergency_calling"),
        ("he is sweating a lot and kinda confused about what day it is", "emergency_withdrawal"),
        ("ya me tome como 7, son de mi mama", "emergency_overdose_self"),
        ("tengo las pastillas listas para hoy", "emergency_suicide"),
        ("my brother ODd", "emergency_overdose"),  # typed capitals, read lower-cased: "odd"
        # Role-play runs 17 and 18.
        (
            "ive got enough saved up to not wake up and im thinking about doing it tonight",
            "emergency_suicide",
        ),
        ("does it even matter. i wont be around next week anyway", "emergency_suicide"),
        (
            "yeah percs. im planning to take the whole bottle this weekend so whatever",
            "emergency_suicide",
        ),
        (
            "me tome la metadona de mi primo, como 3 tapitas, y me estoy sintiendo bien raro, "
            "me pesan los ojos",
            "emergency_overdose_self",
        ),
        ("creo q es sobredosis", "emergency_overdose"),
        (
            "ahorita esta tirada en el piso sacudiendose y no me contesta, tiene los ojos volteados",
            "emergency_seizure",
        ),
        ("no tengo narcan!! que hago", "emergency_calling"),
        ("i dont have narcan what do i do", "emergency_calling"),
        ("ight i hit him w the narcan hes up now, pissed but up", "emergency_overdose"),
        (
            "me acaba de mandar un text que dice que ya se cansó de todo, que perdón por todo, "
            "y no me contesta el phone",
            "emergency_suicide",
        ),
        (
            "me da miedo que se haga algo, tiene muchas pastillas en su casa. que hago??",
            "emergency_suicide",
        ),
        (
            "la verdad ya no aguanto, tengo aqui un frasco de pastillas y estoy pensando en "
            "tomarmelas todas y acabar con todo",
            "emergency_suicide",
        ),
        # Role-play run 19.
        (
            "honestly i dont even want to be here anymore. thinking about just doing all the "
            "ones i have left tonight and not waking up",
            "emergency_suicide",
        ),
        (
            "oh god he just texted me 'im sorry mom i love you, i took everything i had' what "
            "do i do",
            "emergency_suicide",
        ),
        (
            "i kinda took tomorrow's and the day after's too about an hour ago cuz i felt sick. "
            "now im really sleepy and nodding out typing this",
            "emergency_overdose_self",
        ),
        ("yeah today i took like triple. eyes r closing lol", "emergency_overdose_self"),
        ("se puso rigido y esta temblando", "emergency_seizure"),
        ("debo llamar una ambulancia?", "emergency_ask_911"),
        ("tomo tachas y esta ardiendo", "emergency_stimulant"),
        ("me las voy a tomar todas esta noche", "emergency_suicide"),
        (
            "no. honestly i dont see the point of any of this anymore. ive got all my pills "
            "lined up on the table",
            "emergency_suicide",
        ),
        ("tengo el arma aqui y ya no aguanto", "emergency_suicide"),
        ("me pase con las barras y no puedo respirar bien", "emergency_overdose_self"),
        ("siento que me estoy muriendo, use mucha negra", "emergency_overdose_self"),
        ("tome mas metadona de la que debia y no siento el cuerpo", "emergency_overdose_self"),
        ("creo que tomo demasiado, se esta desmayando", "emergency_overdose"),
        ("siento que me va a dar una convulsion", "emergency_seizure"),
        ("usé ice y siento que se me va a salir el corazon", "emergency_stimulant"),
        (
            "dejo la cheve el lunes y ahora tiene el corazon acelerado y delira",
            "emergency_withdrawal",
        ),
        ("estamos en la linea con el 911", "emergency_calling"),
        ("ya viene la cruz roja", "emergency_calling"),
        ("ya marque al 911, estan en camino", "emergency_calling"),
        ("mi hijo esta bien ido, le marco al 911?", "emergency_ask_911"),
        ("deberia llamar a la ambulancia para mi papa", "emergency_ask_911"),
        ("tengo que llevarla al hospital ya?", "emergency_ask_911"),
        (
            "honestly i dont see the point anymore. my dads gun is in the closet and i keep "
            "thinking about using it tonight",
            "emergency_suicide",
        ),
        (
            "yo no pero mi novio si... espera, se metio al baño hace 20 min a inyectarse y no me "
            "abre ni me contesta",
            "emergency_overdose",
        ),
        (
            "el año pasado me dio una convulsion y ahora mi hijo esta convulsionando",
            "emergency_seizure",
        ),
        ("2 years ago i tried to kill myself but now i want to die again", "emergency_suicide"),
        ("ok ya le escribi al 988. me estan contestando", "emergency_calling"),
        (
            "q onda. llevo 3 dias sin chupar y ahorita estoy sudando un buen, el corazon a mil y "
            "veo como sombras que se mueven. es normal?",
            "emergency_withdrawal",
        ),
        (
            "urgente mi tio se cayo y esta temblando bien feo en el piso con los ojos pa tras, "
            "dejo la cheve hace 2 dias",
            "emergency_seizure",
        ),
        (
            "doesnt matter much now. wrote letters to my kids tonight and took the rest of the "
            "bottle of bars with the whiskey. just wanted someone to know",
            "emergency_overdose_self",
        ),
        (
            "yeah fent, smoking it every day. tbh i dont really care anymore if i wake up or not. "
            "tonight im going to do the whole bag",
            "emergency_suicide",
        ),
        (
            "la neta ya no aguanto, estoy pensando en tomarme todas las pastillas de mi amá de "
            "una vez y ya",
            "emergency_suicide",
        ),
        ("mi hijo dejo el xanax hace dos semanas y le dio una convulsion", "emergency_seizure"),
        (
            "hang on. she just took a few extra klonopin with her wine tonight and now shes "
            "slumped on the couch, her breathing is really slow and shes mumbling",
            "emergency_overdose",
        ),
        (
            "lol is it normal for my friend to turn kinda blue after a hit? hes just chillin on "
            "the couch not really answering",
            "emergency_overdose",
        ),
        (
            "My father is 70. He quit drinking on Sunday, cold turkey, he used to drink a fifth of "
            "vodka a day. Today he keeps asking me where he is and he is picking at things in the "
            "air. His hands are jerking.",
            "emergency_withdrawal",
        ),
        (
            "honestly tonight im just gonna drink all of them at once so it all stops",
            "emergency_suicide",
        ),
        ("im done. nobody cares. ill be gone by morning", "emergency_suicide"),
        (
            "no. honestly im so tired of all of it. i have the rest of the klonopin counted out on "
            "the counter and i dont think im going to be here tomorrow",
            "emergency_suicide",
        ),
        (
            "sorry im distracted, she's out in the car in the garage with the engine running and "
            "won't unlock the door, she said she's done with everything",
            "emergency_suicide",
        ),
        ("whatever. i dont even care anymore. i just want to not exist", "emergency_suicide"),
        (
            "last night he stopped breathing and i called 911 and now he wont wake up",
            "emergency_overdose",
        ),
        (
            "how do u wake someone up whos had too many bars. my gf is snoring real loud and i "
            "cant get her up",
            "emergency_overdose",
        ),
        (
            "no. la neta ya estoy cansado de todo esto, a veces pienso q mejor ya no despertar",
            "emergency_suicide",
        ),
        ("no tomo. oiste lo q te dije? q ya no le veo sentido", "emergency_suicide"),
        (
            "ahorita llego de la calle y esta en el sillon bien dormido roncando bien feo, le hablo y "
            "no me responde",
            "emergency_overdose",
        ),
        (
            "la neta ya me canse de todo esto, a veces pienso q mejor me quedo dormido y ya no "
            "despierto",
            "emergency_suicide",
        ),
        (
            "no just weed and drinking. honestly some days i dont even want to wake up",
            "emergency_suicide",
        ),
        ("creo que le esta dando un ataque al corazon", "emergency_stimulant"),
        ("no. tbh im just tired of all of it, i dont see the point anymore", "emergency_suicide"),
        (
            "sometimes i think everybody would be better off if i just wasnt here",
            "emergency_suicide",
        ),
        (
            "hes sweating alot too and he said theres bugs on the wall lol theres not",
            "emergency_withdrawal",
        ),
        (
            "a veces quisiera tomarme todas las q me quedan de un jalon y ya no despertar",
            "emergency_suicide",
        ),
        # Delirium tremens in Spanish, told by the person
        (
            "no. oiga anoche vi unos bichos caminando en la pared y mi vieja dice q no habia "
            "nada. y estoy sudando bien cabron y ni se q dia es hoy",
            "emergency_withdrawal",
        ),
        ("estoy alucinando y temblando todo, creo q es el DT ese", "emergency_withdrawal"),
        ("ive been saving them up. i wrote letters to my kids", "emergency_suicide"),
        ("i saved up enough pills to make it all stop for good", "emergency_suicide"),
        (
            "no te preocupes no voy a hacer nada. aunque tengo guardadas unas 30 pastillas por si "
            "acaso un dia ya no aguanto",
            "emergency_suicide",
        ),
        (
            "Some nights I think it would be easier for everyone if I just didn't wake up.",
            "emergency_suicide",
        ),
        (
            "I have about 40 pills saved now. I don't really see the point of any of this.",
            "emergency_suicide",
        ),
        (
            "ay espereme que se cayo en la cocina, esta todo tieso y sacudiendose y no me contesta",
            "emergency_seizure",
        ),
        (
            "a veces pienso que mejor me pongo una dosis bien grande y ya no despierto",
            "emergency_suicide",
        ),
        # A seizure told without the word
        (
            "idk about all that. like 10 min ago she kinda zoned out n went stiff n her whole "
            "body was shakin for a min. now shes just real out of it n sleepy",
            "emergency_seizure",
        ),
        ("he went stiff and then his arms were jerking", "emergency_seizure"),
        # "like i used to" dates nothing: the relapse at the old dose is now
        (
            "first time in six months and i did my usual dose like i used to",
            "emergency_overdose_self",
        ),
    ],
)
def test_emergencies_are_caught(pipeline: Pipeline, text: str, intent: str) -> None:
    assert pipeline.intent(text) == intent


# --- After an emergency answer (addons/patches/emergency_context.py marks the message)
@pytest.mark.parametrize(
    "text, intent",
    [
        ("im getting really sleepy", "emergency_overdose_self"),
        ("cant keep my eyes open", "emergency_overdose_self"),
        ("hes getting sleepy again", "emergency_overdose"),
        ("i feel really weird", "emergency_overdose_self"),
        ("aight calling", "emergency_calling"),
        ("ya estoy marcando", "emergency_calling"),
    ],
)
def test_a_danger_sign_after_an_emergency_is_one_alone(
    pipeline: Pipeline, text: str, intent: str
) -> None:
    after = Message(data={TEXT: text, "metadata": {AFTER_AN_EMERGENCY: True}})
    assert (pipeline.process(after, model=("inform", 0.9)).get(INTENT) or {})["name"] == intent
    assert pipeline.intent(text) != intent  # alone, in a conversation without one, it is not


@pytest.mark.parametrize(
    "text, earlier",
    [
        ("nobody is here. its just me", "emergency_overdose_self"),
        ("no help isnt here, its just me", "emergency_overdose"),
        ("estoy solo en el cuarto, no tengo carro", "emergency_withdrawal"),
        ("la puerta tiene seguro!! que hago", "emergency_overdose"),
        ("the door is locked!!", "emergency_overdose"),
        ("the bugs r real tho", "emergency_withdrawal"),
        ("i live alone. ill prob be fine just gonna take a nap", "emergency_overdose_self"),
        (
            "im not calling 911 they'll judge me. can i just have a couple beers",
            "emergency_withdrawal",
        ),
        # The means at hand, or not lasting the night, after the suicide answer
        ("tengo las pastillas aqui enfrente", "emergency_suicide"),
        ("digo q no se si voy a aguantar hasta mañana", "emergency_suicide"),
        ("ive got like 40 pills in a drawer", "emergency_suicide"),
    ],
)
def test_no_help_there_after_an_emergency_gets_its_answer_again(
    pipeline: Pipeline, text: str, earlier: str
) -> None:
    after = Message(data={TEXT: text, "metadata": {AFTER_AN_EMERGENCY: earlier}})
    assert (pipeline.process(after, model=("help_arrived", 0.9)).get(INTENT) or {})[
        "name"
    ] == earlier
    assert pipeline.intent(text) != earlier  # alone, in a conversation without one, it is not


# --- After a stop told earlier (addons/patches/conversation_context.py marks the message)
def test_a_stop_told_marks_the_message(pipeline: Pipeline) -> None:
    assert pipeline.parse("todo el tiempo desde ayer que deje la cheve").get(STOP_TOLD)
    assert pipeline.parse("my husband quit drinking 2 days ago").get(STOP_TOLD)
    assert not pipeline.parse("i never stopped drinking").get(STOP_TOLD)
    assert not pipeline.parse("my legs twitch at night").get(STOP_TOLD)


@pytest.mark.parametrize(
    "text",
    [
        "osea lo de ver cosas es lo q me esta pasando ahorita. q hago",
        "me siento bien mal, como q me va a dar un ataque",
        "now hes confused and doesnt know me",
        "i keep hearing voices",
    ],
)
def test_a_red_flag_after_a_stop_is_withdrawal_danger(pipeline: Pipeline, text: str) -> None:
    after = Message(data={TEXT: text, "metadata": {AFTER_A_STOP: True}})
    intent = (pipeline.process(after, model=("inform", 0.9)).get(INTENT) or {})["name"]
    assert intent == "emergency_withdrawal"


@pytest.mark.parametrize(
    "text",
    ["what do you mean, im confused", "no entiendo, estoy confundida", "my legs jerk at night"],
)
def test_no_red_flag_after_a_stop_is_no_emergency(pipeline: Pipeline, text: str) -> None:
    after = Message(data={TEXT: text, "metadata": {AFTER_A_STOP: True}})
    assert (pipeline.process(after, model=("inform", 0.9)).get(INTENT) or {})["name"] == "inform"


@pytest.mark.parametrize(
    "text", ["ok i unlocked the door", "hes breathing fine now", "he was really sleepy earlier"]
)
def test_no_sign_or_a_past_one_after_an_emergency_is_no_new_one(
    pipeline: Pipeline, text: str
) -> None:
    after = Message(data={TEXT: text, "metadata": {AFTER_AN_EMERGENCY: True}})
    assert (pipeline.process(after, model=("inform", 0.9)).get(INTENT) or {})["name"] == "inform"


@pytest.mark.parametrize(
    "text",
    [
        "gave him the narcan. hes waking up now. paramedics here",
        "paramedics are here, hes still not really breathing",
        "ya llegaron los paramedicos, le dieron narcan",
    ],
)
def test_help_with_the_person_is_no_new_emergency(pipeline: Pipeline, text: str) -> None:
    after = Message(data={TEXT: text, "metadata": {AFTER_AN_EMERGENCY: True}})
    read = pipeline.process(after, model=("help_arrived", 0.8)).get(INTENT) or {}
    assert read["name"] == "help_arrived"


@pytest.mark.parametrize(
    "text",
    ["is the ambulance here yet? hes not breathing", "ambulance is coming hes not breathing"],
)
def test_help_asked_about_or_on_its_way_is_not_there_yet(pipeline: Pipeline, text: str) -> None:
    assert pipeline.intent(text) == "emergency_overdose"


# --- What the backstop does to the model's answer --------------------------------
def test_it_overrides_the_model_and_says_so(pipeline: Pipeline) -> None:
    message = pipeline.parse("he wont wake up", model=("inform", 0.97))
    assert message.get(INTENT) == {"name": "emergency_overdose", "confidence": 1.0}
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0] == {"name": "emergency_overdose", "confidence": 1.0}
    assert [entry["name"] for entry in ranking].count("emergency_overdose") == 1
    mark = message.get(BACKSTOP_KEY)
    assert mark == {
        "intent": "emergency_overdose",
        "pattern": "emergency_overdose:cannot_wake",
        "model_intent": "inform",
    }
    # Rasa passes on only output properties: the mark must be one of them.
    assert BACKSTOP_KEY in message.as_dict(only_output_properties=True)


def test_the_pattern_decides_between_emergencies(pipeline: Pipeline) -> None:
    for model in (("emergency_seizure", 0.8), ("emergency_overdose_self", 0.99)):
        message = pipeline.parse("my son wont wake up", model=model)
        assert message.get(INTENT)["name"] == "emergency_overdose", model
        assert message.get(BACKSTOP_KEY)["model_intent"] == model[0]
    text = "im calling 911 hes not breathing"
    assert pipeline.parse(text, model=("emergency_calling", 0.99)).get(INTENT)["name"] == (
        "emergency_overdose"
    )


def test_a_sure_model_danger_refines_a_question_about_calling(pipeline: Pipeline) -> None:
    text = "should i call 911? something is really wrong with him"
    sure = pipeline.parse(text, model=("emergency_overdose", 0.97))
    assert sure.get(INTENT)["name"] == "emergency_overdose"
    assert sure.get(BACKSTOP_KEY) is None
    unsure = pipeline.parse(text, model=("emergency_overdose", 0.6))
    assert unsure.get(INTENT)["name"] == "emergency_ask_911"


def test_a_sure_model_emergency_stands_without_a_pattern(pipeline: Pipeline) -> None:
    message = pipeline.parse("please come quick my brother", model=("emergency_overdose", 0.97))
    assert message.get(INTENT)["name"] == "emergency_overdose"
    assert message.get(BACKSTOP_KEY) is None


def test_a_model_emergency_short_of_sure_without_a_pattern_is_not_one(pipeline: Pipeline) -> None:
    message = pipeline.parse("he says it helps him sleep", model=("emergency_overdose", 0.95))
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_an_unsure_model_emergency_without_a_pattern_is_not_one(pipeline: Pipeline) -> None:
    message = pipeline.parse("my legs go stiff at bedtime", model=("emergency_seizure", 0.3))
    assert message.get(INTENT) == {"name": "inform", "confidence": 0.7}
    assert message.get(BACKSTOP_KEY) == {
        "intent": "inform",
        "pattern": DEMOTED,
        "model_intent": "emergency_seizure",
    }


def test_an_unconfirmed_emergency_falls_to_nlu_fallback_when_nothing_else_is_sure(
    pipeline: Pipeline,
) -> None:
    # The next intent (inform, 0.4) is below the FallbackClassifier's threshold (0.5).
    message = pipeline.parse("my legs go stiff at bedtime", model=("emergency_seizure", 0.6))
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.5}
    assert message.get(BACKSTOP_KEY)["pattern"] == DEMOTED


@pytest.mark.parametrize(
    "text",
    [
        "Tengo unos temblorcitos en las manos y en los pies por las noches. Quisiera saber que es",
        "le escribo por mi mamá. Ella tiene 60 años y le brinca el ojo y a veces la mano",
    ],
)
def test_small_twitches_overrule_a_sure_model_withdrawal(pipeline: Pipeline, text: str) -> None:
    read = pipeline.process(Message(data={TEXT: text}), model=("emergency_withdrawal", 0.99))
    assert (read.get(INTENT) or {})["name"] != "emergency_withdrawal"


def test_a_model_withdrawal_needs_something_stopped_or_a_red_flag(pipeline: Pipeline) -> None:
    startled = (
        "my best friend has been on subs for a year and he drinks every night, and his arm "
        "will just jerk out of nowhere like he gets startled, he says its nothing"
    )
    read = pipeline.parse(startled, model=("emergency_withdrawal", 1.0))
    assert read.get(INTENT)["name"] != "emergency_withdrawal"
    stopped = "he stopped drinking and hes not himself"
    read = pipeline.parse(stopped, model=("emergency_withdrawal", 0.99))
    assert read.get(INTENT)["name"] == "emergency_withdrawal"
    never = "He doesn't drink and he doesn't have a prescriber, these pills aren't from a doctor"
    read = pipeline.parse(never, model=("emergency_withdrawal", 0.99))
    assert read.get(INTENT)["name"] != "emergency_withdrawal"
    out = "he doesnt have any xanax left and hes not himself"
    read = pipeline.parse(out, model=("emergency_withdrawal", 0.99))
    assert read.get(INTENT)["name"] == "emergency_withdrawal"


def test_a_denial_overrules_a_sure_model_reading_whatever_else_is_said(
    pipeline: Pipeline,
) -> None:
    message = pipeline.parse(
        "ok no seizure. hes just sweaty and shaky", ("emergency_seizure", 0.99)
    )
    assert message.get(INTENT)["name"] != "emergency_seizure"
    seizing = pipeline.parse("no seizure before but now hes seizing", ("emergency_seizure", 0.99))
    assert seizing.get(INTENT)["name"] == "emergency_seizure"


@pytest.mark.parametrize(
    "text", ["Thank you, this helps. I'll tell her to talk to her clinic", "is that normal"]
)
def test_help_arriving_needs_an_earlier_emergency(pipeline: Pipeline, text: str) -> None:
    assert pipeline.parse(text, ("help_arrived", 0.9)).get(INTENT)["name"] != "help_arrived"
    after = Message(data={TEXT: text, "metadata": {AFTER_AN_EMERGENCY: "emergency_overdose"}})
    assert pipeline.process(after, ("help_arrived", 0.9)).get(INTENT)["name"] == "help_arrived"


def test_help_said_outright_to_have_arrived_needs_no_earlier_emergency(pipeline: Pipeline) -> None:
    message = pipeline.parse("the paramedics are here, what do i tell them", ("help_arrived", 0.9))
    assert message.get(INTENT)["name"] == "help_arrived"


def test_a_model_call_needs_who_is_called(pipeline: Pipeline) -> None:
    # "ok calling" after the admissions number: the admissions line, not 911
    read = pipeline.parse("ok calling", model=("emergency_calling", 0.99))
    assert read.get(INTENT)["name"] != "emergency_calling"
    read = pipeline.parse("ok they are on there way", model=("emergency_calling", 0.99))
    assert read.get(INTENT)["name"] == "emergency_calling"


def test_a_veto_phrase_overrules_a_model_emergency_without_a_pattern(pipeline: Pipeline) -> None:
    for text in (
        "this twitching is killing me",
        "i have never had a seizure",
        "my brother used to use and looked terrible",
        "he used to be an addict, he looked awful back then",
    ):
        message = pipeline.parse(text, model=("emergency_overdose", 0.99))
        # The next intent (inform, 0.01) is too unsure to stand: nlu_fallback.
        assert message.get(INTENT)["name"] == "nlu_fallback", text


def test_a_veto_does_not_overrule_a_model_emergency_with_a_present_sign(
    pipeline: Pipeline,
) -> None:
    # A danger sign now, after a memory: an emergency stands, the model's or a pattern's.
    for text in (
        "my brother used to drink, right now hes hallucinating",
        "she was clean for a year. tonight her chest hurts so bad",
    ):
        message = pipeline.parse(text, model=("emergency_overdose", 0.97))
        assert message.get(INTENT)["name"].startswith("emergency_"), text
    # No sign: the memory wins, whatever else is said now.
    message = pipeline.parse(
        "i was suicidal last year but now im better", model=("emergency_suicide", 0.99)
    )
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_the_confirmation_threshold_can_be_configured(tmp_path: Path) -> None:
    pipeline = Pipeline(tmp_path, backstop={"confirm_model_emergency": 0.5})
    message = pipeline.parse("my legs go stiff at bedtime", model=("emergency_seizure", 0.6))
    assert message.get(INTENT)["name"] == "emergency_seizure"


def test_capital_letters_and_texting_spellings_are_caught(pipeline: Pipeline) -> None:
    assert pipeline.intent("HELP HE ISNT BREATHING") == "emergency_overdose"
    assert pipeline.intent("Shes Not Breathing") == "emergency_overdose"


def test_it_never_logs_the_message(pipeline: Pipeline, caplog: pytest.LogCaptureFixture) -> None:
    text = "my roommate zebra-unicorn wont wake up"
    with caplog.at_level(logging.DEBUG):
        message = pipeline.parse(text, model=("inform", 0.9))
    assert message.get(INTENT)["name"] == "emergency_overdose"
    logged = [record.getMessage() for record in caplog.records]
    assert any("emergency_overdose:cannot_wake" in line for line in logged)
    assert not any("zebra" in line for line in logged)


def test_messages_without_text_pass_through(pipeline: Pipeline) -> None:
    message = Message.build(text="")
    pipeline.backstop.process([message])
    assert message.get(INTENT) is None and message.get(TEXT) == ""


# --- The lexicon file and the model ---------------------------------------------------
def test_the_lexicon_path_is_taken_from_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    default = Pipeline(tmp_path / "a")
    relative = Pipeline(tmp_path / "b", backstop={"lexicon": "data/lexicon/crisis.yml"})
    explicit = Pipeline(tmp_path / "c", backstop={"lexicon": str(LEXICON)})
    for pipeline in (default, relative, explicit):
        assert pipeline.intent("he is not breathing") == "emergency_overdose"


def test_a_different_lexicon_can_be_configured(tmp_path: Path) -> None:
    lexicon = tmp_path / "crisis.yml"
    lexicon.write_text(
        yaml.safe_dump(
            {
                "priority": ["emergency_overdose"],
                "patterns": {"emergency_overdose": {"test": [[{"LOWER": "purple"}]]}},
                "vetoes": {"no_rain": {"scope": "overlap", "patterns": [[{"LOWER": "rain"}]]}},
            }
        )
    )
    pipeline = Pipeline(tmp_path / "model", backstop={"lexicon": str(lexicon)})
    assert pipeline.intent("purple") == "emergency_overdose"
    assert pipeline.intent("he is not breathing") is None


def test_a_broken_lexicon_fails_training(tmp_path: Path) -> None:
    lexicon = tmp_path / "crisis.yml"
    # An unquoted `no` in YAML is the boolean false, not the word "no".
    lexicon.write_text(
        "priority: [emergency_overdose]\n"
        "patterns:\n  emergency_overdose:\n    bad: [[{LOWER: {IN: [no, pulse]}}]]\n"
    )
    with pytest.raises(MatchPatternError):
        train(CrisisBackstop, {"lexicon": str(lexicon)}, tmp_path / "model")


def test_a_misnamed_present_sign_fails_training(tmp_path: Path) -> None:
    lexicon = tmp_path / "crisis.yml"
    lexicon.write_text(
        yaml.safe_dump(
            {
                "priority": ["emergency_overdose"],
                "patterns": {"emergency_overdose": {"blue": [[{"LOWER": "blue"}]]}},
                "present_signs": ["emergency_overdose:bleu"],
            }
        )
    )
    with pytest.raises(ValueError, match="bleu"):
        train(CrisisBackstop, {"lexicon": str(lexicon)}, tmp_path / "model")


def test_yields_naming_no_group_fails_training(tmp_path: Path) -> None:
    lexicon = tmp_path / "crisis.yml"
    lexicon.write_text(
        yaml.safe_dump(
            {
                "priority": ["emergency_overdose"],
                "patterns": {"emergency_overdose": {"blue": [[{"LOWER": "blue"}]]}},
                "yields": {"emergency_overdose:bleu": ["emergency_overdose"]},
            }
        )
    )
    with pytest.raises(ValueError, match="bleu"):
        train(CrisisBackstop, {"lexicon": str(lexicon)}, tmp_path / "model")


def test_the_trained_backstop_reads_the_model_not_the_lexicon(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon" / "crisis.yml"
    lexicon.parent.mkdir()
    shutil.copy(LEXICON, lexicon)
    trained = train(CrisisBackstop, {"lexicon": str(lexicon)}, tmp_path / "model")
    shutil.rmtree(lexicon.parent)
    backstop = CrisisBackstop.load(*trained, CONTEXT)
    message = Message(data={TEXT: "my friend is not breathing"})
    backstop.process([message])
    assert message.get(INTENT) == {"name": "emergency_overdose", "confidence": 1.0}


def test_a_lexicon_edit_changes_the_fingerprint(tmp_path: Path) -> None:
    lexicon = tmp_path / "crisis.yml"
    shutil.copy(LEXICON, lexicon)
    config = {"lexicon": str(lexicon)}
    before = CrisisBackstop.fingerprint_addon(config)
    assert before == CrisisBackstop.fingerprint_addon({}), "the default is data/lexicon"
    lexicon.write_text(LEXICON.read_text() + "\n")
    assert CrisisBackstop.fingerprint_addon(config) != before
