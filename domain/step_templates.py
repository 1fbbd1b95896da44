"""Ready-made agenda steps, written in each workshop language.

The texts follow the municipal guide the product grew from: one objective per
step, context and practical information for participants, and a script the
moderator can read or adapt.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.i18n import N_
from domain.models import StepKind


@dataclass(frozen=True)
class StepText:
    title: str
    objective: str
    context_info: str
    expected_of_participants: str
    moderator_script: str


@dataclass(frozen=True)
class StepTemplate:
    key: str
    label: str  # shown in the organiser’s language, through the translation function
    kind: StepKind
    minutes: int
    texts: dict[str, StepText]

    def text(self, language: str) -> StepText:
        return self.texts.get(language, self.texts["fr"])


WELCOME = StepTemplate(
    key="welcome",
    label=N_("Welcome"),
    kind=StepKind.PLENARY,
    minutes=10,
    texts={
        "fr": StepText(
            title="Accueil",
            objective="Mettre chacun·e à l’aise et présenter le déroulé de l’atelier.",
            context_info="Bienvenue ! Nous allons présenter l’ordre du jour, les objectifs de la séance "
            "et les règles de l’atelier en ligne.",
            expected_of_participants="Répondez à la question d’accueil. Coupez votre micro quand vous ne "
            "parlez pas et levez la main virtuelle pour prendre la parole. La première fois que vous "
            "parlez, dites votre prénom et ce qui vous amène.",
            moderator_script="- Souhaiter la bienvenue, se présenter et présenter l’équipe.\n"
            "- Présenter l’ordre du jour, la portée et les objectifs de la séance.\n"
            "- Rappeler les règles : micro coupé, main levée, se présenter en prenant la parole.\n"
            "- Montrer où sont le bouton « lever la main » et le plein écran.\n"
            "- Lancer la question d’accueil et aider celles et ceux qui ont un souci technique.",
        ),
        "en": StepText(
            title="Welcome",
            objective="Put everyone at ease and present how the workshop will run.",
            context_info="Welcome! We will present the agenda, the objectives of this session and the "
            "rules of the online workshop.",
            expected_of_participants="Answer the welcome question. Mute your microphone when you are not "
            "speaking and raise your virtual hand to speak. The first time you speak, say your first name "
            "and what brings you here.",
            moderator_script="- Welcome everyone, introduce yourself and the team.\n"
            "- Present the agenda, the scope and the objectives of the session.\n"
            "- Go through the rules: microphone off, raise your hand, introduce yourself when you speak.\n"
            "- Show where the 'raise hand' button and full screen are.\n"
            "- Ask the welcome question and help anyone with a technical problem.",
        ),
    },
)

PRESENTATION = StepTemplate(
    key="presentation",
    label=N_("Presentation"),
    kind=StepKind.PLENARY,
    minutes=15,
    texts={
        "fr": StepText(
            title="Présentation du projet",
            objective="Donner à tou·tes les mêmes informations de départ sur le sujet.",
            context_info="Présentation du contexte du projet, de ce qui est déjà décidé et de ce qui reste "
            "ouvert à la discussion.",
            expected_of_participants="Écoutez la présentation. Notez vos questions : un temps d’échange suit.",
            moderator_script="- Rappeler pourquoi la ville consulte et comment les contributions seront "
            "utilisées.\n- Présenter le projet en termes simples, sans jargon.\n"
            "- Dire clairement ce qui est décidé et ce qui est ouvert.\n"
            "- Partager l’écran si des plans ou images aident.",
        ),
        "en": StepText(
            title="Project presentation",
            objective="Give everyone the same starting information on the subject.",
            context_info="A presentation of the project’s background, what is already decided and what "
            "remains open for discussion.",
            expected_of_participants="Listen to the presentation. Write down your questions: time for them "
            "follows.",
            moderator_script="- Recall why the city is consulting and how contributions will be used.\n"
            "- Present the project in plain words, without jargon.\n"
            "- Say clearly what is decided and what is open.\n"
            "- Share your screen if plans or pictures help.",
        ),
    },
)

PLENARY_DISCUSSION = StepTemplate(
    key="plenary_discussion",
    label=N_("Plenary discussion"),
    kind=StepKind.PLENARY,
    minutes=20,
    texts={
        "fr": StepText(
            title="Questions et échanges en plénière",
            objective="Répondre aux questions et recueillir les premières réactions.",
            context_info="Un temps d’échange avec tout le groupe.",
            expected_of_participants="Levez la main pour poser une question ou réagir. Soyez bref·ve pour "
            "laisser la parole à chacun·e.",
            moderator_script="- Donner la parole dans l’ordre des mains levées, en favorisant celles et "
            "ceux qui n’ont pas encore parlé.\n- Reformuler les questions avant d’y répondre.\n"
            "- Recadrer avec bienveillance si la discussion s’éloigne du sujet.",
        ),
        "en": StepText(
            title="Questions and plenary discussion",
            objective="Answer questions and gather first reactions.",
            context_info="Time for discussion with the whole group.",
            expected_of_participants="Raise your hand to ask a question or react. Keep it short so that "
            "everyone can speak.",
            moderator_script="- Give the floor in the order hands were raised, favouring those who have "
            "not spoken yet.\n- Rephrase questions before answering them.\n"
            "- Kindly bring the discussion back if it drifts off topic.",
        ),
    },
)

BREAKOUT_DISCUSSION = StepTemplate(
    key="breakout_discussion",
    label=N_("Breakout discussion"),
    kind=StepKind.BREAKOUT,
    minutes=25,
    texts={
        "fr": StepText(
            title="Discussion en sous-groupes",
            objective="Approfondir un thème en petit groupe et formuler des propositions.",
            context_info="Vous rejoignez une salle de 5 à 8 personnes autour d’un thème.",
            expected_of_participants="Partagez votre point de vue, écoutez celui des autres et notez ensemble "
            "deux ou trois propositions. Choisissez une personne qui les présentera au retour en plénière.",
            moderator_script="- Expliquer la consigne avant d’ouvrir les salles.\n"
            "- Rappeler la durée et qu’un compte à rebours est visible dans chaque salle.\n"
            "- Passer dans les salles pour relancer si besoin.\n"
            "- Annoncer la fermeture des salles une minute avant.",
        ),
        "en": StepText(
            title="Breakout discussion",
            objective="Explore one theme in a small group and draw up proposals.",
            context_info="You join a room of 5 to 8 people around one theme.",
            expected_of_participants="Share your view, listen to the others and write down two or three "
            "proposals together. Choose someone to present them back in the plenary.",
            moderator_script="- Explain the task before opening the rooms.\n"
            "- Recall the duration and that a countdown shows in every room.\n"
            "- Visit the rooms to help where needed.\n"
            "- Announce that rooms close one minute beforehand.",
        ),
    },
)

VOTE = StepTemplate(
    key="vote",
    label=N_("Vote"),
    kind=StepKind.PLENARY,
    minutes=10,
    texts={
        "fr": StepText(
            title="Vote sur les priorités",
            objective="Faire ressortir les propositions que le groupe juge prioritaires.",
            context_info="Les propositions issues des sous-groupes sont soumises au vote de tou·tes.",
            expected_of_participants="Votez pour les propositions qui comptent le plus pour vous.",
            moderator_script="- Relire les propositions une à une.\n- Expliquer comment voter et combien "
            "de temps le vote dure.\n- Annoncer les résultats et ce qu’ils deviendront.",
        ),
        "en": StepText(
            title="Vote on priorities",
            objective="Bring out the proposals the group considers priorities.",
            context_info="The proposals from the breakout rooms are put to everyone’s vote.",
            expected_of_participants="Vote for the proposals that matter most to you.",
            moderator_script="- Read the proposals out one by one.\n- Explain how to vote and how long the "
            "vote lasts.\n- Announce the results and what will happen with them.",
        ),
    },
)

CONCLUSION = StepTemplate(
    key="conclusion",
    label=N_("Conclusion"),
    kind=StepKind.PLENARY,
    minutes=10,
    texts={
        "fr": StepText(
            title="Conclusion",
            objective="Remercier, dire ce que deviendront les contributions et annoncer la suite.",
            context_info="Merci pour votre participation ! Voici les prochaines étapes de la concertation.",
            expected_of_participants="Donnez-nous votre avis sur l’atelier grâce au questionnaire : il nous "
            "aide à améliorer les prochains.",
            moderator_script="- Remercier chaleureusement les participant·es.\n"
            "- Résumer ce qui a été dit et comment ce sera utilisé.\n"
            "- Annoncer les prochaines dates clés.\n"
            "- Partager le lien du questionnaire de satisfaction.",
        ),
        "en": StepText(
            title="Conclusion",
            objective="Thank everyone, say what will become of the contributions and announce what comes next.",
            context_info="Thank you for taking part! Here are the next steps of the consultation.",
            expected_of_participants="Tell us what you thought of the workshop in the feedback survey: it "
            "helps us improve the next ones.",
            moderator_script="- Thank the participants warmly.\n"
            "- Sum up what was said and how it will be used.\n"
            "- Announce the next key dates.\n"
            "- Share the link to the feedback survey.",
        ),
    },
)

TEMPLATES: dict[str, StepTemplate] = {
    template.key: template
    for template in (WELCOME, PRESENTATION, PLENARY_DISCUSSION, BREAKOUT_DISCUSSION, VOTE, CONCLUSION)
}
