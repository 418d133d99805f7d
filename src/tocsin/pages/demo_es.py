"""The demo campaigns in Spanish, written in our own words (not machine-translated), and set
beside the English by `load-demo` (safe to run again: it writes the same texts).

Baldwin's offices answer in English, so her call script is *said* in English
(`script_said_in="en"`): the Spanish scripts here are the translation a Spanish-speaking
caller reads beside the words to say."""

from tocsin.calls.models import CallAction
from tocsin.campaigns.models import Campaign
from tocsin.events.models import Event
from tocsin.letters.models import WriteAction
from tocsin.petitions.models import PetitionAction
from tocsin.targets.models import Target

SPANISH = "es"

BALDWIN_BODY = """\
El 26 de noviembre de 2017 Honduras votó para elegir presidente. El conteo se detuvo durante
días; cuando se reanudó, la ventaja cambió de manos, y el tribunal electoral declaró ganador
al presidente en funciones, Juan Orlando Hernández. El secretario general de la Organización
de los Estados Americanos dijo que no podía dar garantías sobre el resultado y pidió repetir
la elección.

La gente salió a las calles en todo el país. La Policía Militar y el ejército respondieron
con fuego real, golpizas y detenciones masivas: en las primeras semanas murieron más de
veinte personas.

Aun así, Washington sigue financiando al ejército y a la policía de Honduras, y el
Departamento de Estado certificó que Honduras cumplía las condiciones de derechos humanos que
el Congreso puso a esa ayuda. La senadora Baldwin forma parte del Comité de Asignaciones del
Senado, que decide sobre ese dinero.

**Llama a sus oficinas esta semana.** Sé breve y amable, di dónde vives y pídele que actúe
sobre los tres puntos de arriba. Si una línea está ocupada, prueba otra oficina: cada llamada
cuenta.
"""

BALDWIN_SCRIPT = """Hola, me llamo ______ y vivo en {town}.

Llamo por Honduras. Desde las elecciones disputadas del 26 de noviembre, las fuerzas de \
seguridad han disparado con munición real contra quienes protestan contra el fraude, y al \
menos 22 personas han muerto. El secretario general de la Organización de los Estados \
Americanos dijo que no podía dar garantías sobre el resultado y pidió una nueva elección.

Pido que Estados Unidos no reconozca este resultado y que suspenda ya toda la ayuda militar \
y de seguridad al gobierno hondureño. Gracias."""

BALDWIN_SENATOR_SCRIPT = """Hola, me llamo ______ y vivo en {town}.

Llamo porque en Honduras las fuerzas de seguridad disparan contra quienes protestan por el \
fraude en las elecciones del 26 de noviembre: al menos 22 personas han muerto. El secretario \
general de la Organización de los Estados Americanos dijo que no podía dar garantías sobre el \
resultado y pidió una nueva elección.

Aun así, el Departamento de Estado certificó que Honduras cumple las condiciones de derechos \
humanos que el Congreso puso a la ayuda.

Pido a la senadora {name} que no reconozca este resultado y que use su puesto en el Comité de \
Asignaciones para retener y suspender ya todos los fondos de seguridad para el gobierno \
hondureño. Gracias."""

STATE_DESK_SCRIPT = """Hola, me llamo ______ y vivo en {town}. Llamo a la oficina de \
Honduras por las elecciones hondureñas del 26 de noviembre de 2017.

Las fuerzas de seguridad de Honduras han disparado con munición real contra quienes protestan \
contra el fraude, y al menos 22 personas han muerto. El secretario general de la Organización \
de los Estados Americanos dijo que no podía dar garantías sobre el resultado y pidió una nueva \
elección.

Sin embargo, el Departamento de Estado certificó que Honduras cumple las condiciones de \
derechos humanos que el Congreso puso a la ayuda. Pido al Departamento que no reconozca este \
resultado, que suspenda las relaciones diplomáticas con el gobierno de Juan Orlando Hernández \
y que corte ya toda la ayuda militar y de seguridad a Honduras. Gracias."""

HR1299_BODY = """\
Nueve años después del golpe de Estado del 28 de junio de 2009, Honduras sigue viviendo sus
consecuencias: generales formados en la Escuela de las Américas ayudaron a derrocar a un
presidente electo, y los gobiernos que vinieron después se han apoyado en las fuerzas armadas
para mantenerse en el poder.

Tras las elecciones disputadas de noviembre de 2017, más de treinta manifestantes murieron y
más de mil personas fueron detenidas. Veintitrés de ellas se convirtieron en presos
políticos: acusadas de delitos graves y encarceladas durante meses sin fianza.

La **Ley Berta Cáceres de Derechos Humanos en Honduras** (H.R. 1299) suspendería la ayuda de
seguridad de EE. UU. a Honduras hasta que su gobierno deje de usar la policía y el ejército
contra su propio pueblo y lleve ante la justicia a los responsables de asesinatos como el de
Berta Cáceres. Cada nuevo copatrocinador la acerca a una votación.

Escribe tu código postal (ZIP) para encontrar a tu representante; luego llama y pídele que la
copatrocine.
"""

HR1299_SCRIPT = """Hola, me llamo ______ y vivo en {town}, en su distrito.

Llamo para pedir que {name} copatrocine la Ley Berta Cáceres de Derechos Humanos en Honduras, \
la H.R. 1299. Suspendería la ayuda de seguridad de EE. UU. a Honduras hasta que se juzguen \
los asesinatos de activistas como Berta Cáceres y la policía y el ejército dejen de atacar a \
quienes protestan.

¿Puedo contar con que {name} la apoye? Gracias."""

SPYWARE_BODY = """Tras las elecciones disputadas de noviembre de 2017, las fuerzas de \
seguridad hondureñas mataron a manifestantes y detuvieron a cientos de personas. Empresas \
británicas han recibido licencias para vender al gobierno hondureño equipos que sirven para \
vigilar y silenciar a sus críticos, programas espía entre ellos. El Reino Unido no debe ayudar \
a un gobierno que responde a las protestas con balas."""

FESTIVAL_DESCRIPTION = """\
Dos días de ideas desde la izquierda del movimiento obrero. El viernes por la tarde abre un \
mitin; el sábado, charlas y debates llenan dos sedes a pocos minutos a pie, en Bloomsbury.

Labour Friends of Progressive Latin America organiza la sesión del sábado sobre América \
Latina: Honduras desde las elecciones disputadas, los presos políticos y por qué el Reino \
Unido debe dejar de autorizar la venta de programas espía al gobierno hondureño. Nuestro \
presidente honorario, Chris Williamson, es uno de los ponentes.

La entrada a cada sesión es con confirmación de asistencia, para saber cuántas sillas poner."""

# Each campaign's texts in Spanish: its own fields, then its demands and its sources' titles
# in the order the English lists them in load_demo.
CAMPAIGNS = {
    "baldwin-honduras-election": {
        "fields": {
            "title": "Senadora Baldwin: que no se reconozca la elección robada en Honduras",
            "summary": "Pide a la senadora Tammy Baldwin que rechace el resultado declarado de "
            "las elecciones hondureñas del 26 de noviembre de 2017 y que frene la ayuda "
            "militar y de seguridad de EE. UU. mientras se dispara contra quienes protestan.",
            "body": BALDWIN_BODY,
        },
        "demands": [
            "Estados Unidos no debe reconocer el resultado declarado de las elecciones del "
            "26 de noviembre de 2017.",
            "Estados Unidos debe suspender las relaciones diplomáticas con el gobierno de "
            "Juan Orlando Hernández.",
            "Estados Unidos debe cortar ya toda la ayuda militar y de seguridad a Honduras.",
        ],
        "sources": [
            "Llamar a Baldwin: que EE. UU. no reconozca los resultados electorales en Honduras",
            "Declaración sobre la elección presidencial en Honduras",
        ],
    },
    "hr-1299-berta-caceres-act": {
        "fields": {
            "title": "Pide a tu representante que copatrocine la H.R. 1299, la Ley Berta Cáceres",
            "summary": "Nueve años después del golpe, Honduras sigue encarcelando a quienes "
            "protestan. Llama a tu representante y pídele que copatrocine la Ley Berta Cáceres "
            "de Derechos Humanos en Honduras.",
            "body": HR1299_BODY,
        },
        "demands": [
            "Liberar a los presos políticos de Honduras y retirar todos los cargos en su contra.",
            "Poner fin a todo el apoyo de EE. UU. al régimen que salió del golpe.",
            "Copatrocinar la Ley Berta Cáceres de Derechos Humanos en Honduras, H.R. 1299.",
        ],
        "sources": [
            "H.R. 1299, Ley Berta Cáceres de Derechos Humanos en Honduras (115.º Congreso)",
            "Nueve años después del golpe, Honduras resiste",
        ],
    },
    "no-spyware-for-honduras": {
        "fields": {
            "title": "Ni un programa espía británico para las fuerzas de seguridad de Honduras",
            "summary": "Pide a los ministros del Reino Unido que dejen de autorizar la "
            "exportación de equipos de vigilancia y otras herramientas de represión al gobierno "
            "hondureño.",
            "body": SPYWARE_BODY,
        },
        "demands": [
            "No conceder más licencias de exportación de equipos que Honduras pueda usar para "
            "la represión interna, programas espía incluidos.",
            "Publicar todas las licencias concedidas para Honduras desde el golpe de 2009.",
        ],
        "sources": [],
    },
}

CALLS = {
    "baldwin-honduras-election": {
        "fields": {
            "title": "Llama a la senadora Baldwin y después al Departamento de Estado",
            "intro": "La senadora Baldwin forma parte del Comité de Asignaciones del Senado, que "
            "decide sobre la ayuda a Honduras. Llama a su oficina de Washington y, si la línea "
            "está ocupada, a una de sus oficinas en Wisconsin. Después llama a la oficina de "
            "Honduras del Departamento de Estado. Estas oficinas atienden en inglés: verás las "
            "palabras que hay que decir en inglés, con su traducción al lado. Sigue llamando: "
            "cada llamada queda registrada.",
            "script": BALDWIN_SCRIPT,
            "share_text": "Que EE. UU. no reconozca una elección robada y deje de dar ayuda "
            "militar y de seguridad al régimen hondureño:",
        },
        # Said in English to her offices; the Spanish is the caller's translation.
        "said_in": "en",
        "variants": {
            Target.Kind.LEGISLATOR: BALDWIN_SENATOR_SCRIPT,
            Target.Kind.CUSTOM: STATE_DESK_SCRIPT,
        },
    },
    "hr-1299-berta-caceres-act": {
        "fields": {
            "title": "Llama a tu representante",
            "intro": "Escribe tu código postal (ZIP) y te mostraremos las oficinas de tu "
            "representante y un guion breve.",
            "script": HR1299_SCRIPT,
            "share_text": "Acabo de pedir a mi representante que copatrocine la Ley Berta "
            "Cáceres de Derechos Humanos en Honduras, H.R. 1299.",
        },
        "said_in": "",
        "variants": {},
    },
}

PETITIONS = {
    "no-spyware-for-honduras": {
        "title": "Que el Reino Unido deje de exportar herramientas de represión a Honduras",
        "text": "Pedimos al ministro de Asuntos Exteriores, al ministro de Comercio "
        "Internacional y a la primera ministra que rechacen toda nueva licencia de exportación "
        "de equipos que el gobierno hondureño pueda usar contra su propio pueblo, programas "
        "espía incluidos, y que publiquen las licencias ya concedidas.",
    },
}

# What the supporter reads about each write action, by campaign and action slug. The letters
# themselves stay in English: the offices they go to read English (see pages.demo_letters).
OWN_WORDS_PROMPT = (
    "Añade una frase tuya: por qué te importa. Las oficinas leen eso primero, y una carta con "
    "tus propias palabras cuenta más que una carta modelo. La carta va en inglés, el idioma "
    "de la oficina: escribe tu frase en inglés si puedes."
)

WRITES = {
    ("no-spyware-for-honduras", "your-mp"): {
        "title": "Escribe a tu diputado o diputada",
        "intro": "Escribe tu código postal para encontrar a quien te representa en el "
        "Parlamento. Los diputados responden a sus propios electores: tu carta sale de aquí "
        "hacia su dirección parlamentaria cuando confirmes tu correo, con tu dirección para "
        "la respuesta. La carta está en inglés, el idioma de la oficina.",
        "own_sentence_prompt": OWN_WORDS_PROMPT,
    },
    ("no-spyware-for-honduras", "ministers"): {
        "title": "Escribe a los ministros",
        "intro": "La misma carta al jefe del Gobierno y a los titulares de Asuntos Exteriores "
        "y de Comercio: quienes deciden sobre las licencias de exportación. "
        "La carta está en inglés, el idioma de sus oficinas.",
        "own_sentence_prompt": OWN_WORDS_PROMPT,
    },
    ("baldwin-honduras-election", "senator-baldwin"): {
        "title": "Escribe a la senadora Baldwin y al Departamento de Estado",
        "intro": "La oficina de la senadora Baldwin recibe cartas por su formulario web: te "
        "damos la carta lista para copiarla en él. Tu carta a la oficina de Honduras del "
        "Departamento de Estado va en el paquete que SOA Watch entrega en mano. Las cartas "
        "están en inglés, el idioma de esas oficinas.",
        "own_sentence_prompt": OWN_WORDS_PROMPT,
    },
}

EVENTS = {
    "arise-festival": {
        "fields": {
            "title": "Arise: un festival de ideas de la izquierda laborista",
            "description": FESTIVAL_DESCRIPTION,
        },
        # Sessions by their English title, as events.demo names them.
        "sessions": {
            "Opening rally": "Mitin de apertura",
            "Saturday talks and discussions": "Charlas y debates del sábado",
            "Latin America: solidarity with Honduras": "América Latina: solidaridad con Honduras",
        },
    },
}


def spanish(field: str) -> str:
    return f"{field}_{SPANISH}"


def set_spanish(row, texts: dict[str, str]) -> bool:
    """Writes the Spanish columns; whether any changed (so a second load saves nothing)."""
    changed = False
    for field, text in texts.items():
        if getattr(row, spanish(field)) != text:
            setattr(row, spanish(field), text)
            changed = True
    return changed


def load_spanish() -> None:
    """The demo's Spanish beside its English, on the rows load_demo made."""
    for slug, texts in CAMPAIGNS.items():
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            continue
        for position, text in enumerate(texts["demands"], 1):
            campaign.demands.filter(position=position).update(**{spanish("text"): text})
        for position, title in enumerate(texts["sources"], 1):
            campaign.sources.filter(position=position).update(**{spanish("title"): title})
        # Saved every time: the save renders body_html_es and forgets the cached page.
        set_spanish(campaign, texts["fields"])
        campaign.save()
    for slug, texts in CALLS.items():
        action = CallAction.objects.filter(campaign__slug=slug).first()
        if action is None:
            continue
        set_spanish(action, texts["fields"])
        action.script_said_in = texts["said_in"]
        action.save()
        for variant in action.variants.select_related("target"):
            script = texts["variants"].get(variant.target.kind)
            if script and set_spanish(variant, {"script": script}):
                variant.save()
    for slug, texts in PETITIONS.items():
        petition = PetitionAction.objects.filter(campaign__slug=slug).first()
        if petition is not None and set_spanish(petition, texts):
            petition.save()
    for (campaign_slug, slug), texts in WRITES.items():
        write_action = WriteAction.objects.filter(campaign__slug=campaign_slug, slug=slug).first()
        if write_action is not None and set_spanish(write_action, texts):
            write_action.save()
    for slug, texts in EVENTS.items():
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            continue
        if set_spanish(event, texts["fields"]):
            event.save()
        for session in event.sessions.all():
            title = texts["sessions"].get(session.title_en)
            if title and set_spanish(session, {"title": title}):
                session.save()
