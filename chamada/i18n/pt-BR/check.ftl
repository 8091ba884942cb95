# check, o avaliador (check/): o relatório, o nome e os motivos de falha de
# cada verificação, os erros e o resumo do --teams. O que não muda com o
# idioma: as linhas do protocolo que uma verificação enviou, esperava ou
# recebeu (START 42, ERROR full ...) e as chaves e nomes de categoria do
# --json e do grades.csv, que scripts leem.

## --help

check-about = Avalia um servidor de chamada (em qualquer linguagem) segundo o PROTOCOL.md: verificações em seis categorias, com pontos, e para cada falha o que foi enviado, o que se esperava, o que voltou e qual capítulo do livro explica a regra. Código de saída: 0 quando todas as verificações passam, 1 quando alguma falha, 2 quando o servidor não pode ser alcançado ou a linha de comando está errada
check-arg-server = O servidor a avaliar, por exemplo 127.0.0.1:5050
check-arg-one_at_a_time = O servidor atende um cliente por vez, como o da lição 01: as verificações de concorrência então esperam que um segundo cliente aguarde o primeiro
check-arg-json = Mostra o relatório em JSON, para scripts
check-arg-teacher_key = O servidor tem chave do professor: lê a chave da variável de ambiente CHAMADA_TEACHER_KEY (nunca da linha de comando, onde qualquer um na máquina poderia vê-la). Ela nunca é mostrada. Com --teams, o servidor de cada equipe é iniciado com essa chave na sua CHAMADA_TEACHER_KEY
check-arg-timeout = Quanto esperar por qualquer resposta antes de considerar o servidor travado
check-arg-repeat = Executa cada verificação N vezes; uma verificação só passa se passar todas as vezes, e o relatório diz em quantas execuções cada falha apareceu
check-arg-teams = Avalia uma turma: ARQUIVO tem uma equipe por linha, `NOME COMANDO...`. O check executa cada COMANDO (com `{"{"}port{"}"}` trocado por uma porta livre em 127.0.0.1) com `sh -c` numa pasta temporária nova, avalia o servidor que ele inicia ali e o encerra. Só em Unix
check-arg-out = Com --teams: a pasta de grades.csv, EQUIPE.json e EQUIPE.log (a saída do servidor de cada equipe)
check-arg-start_within = Com --teams: quanto tempo o servidor de uma equipe tem para começar a escutar
check-arg-time_limit = Com --teams: o máximo que o servidor de uma equipe pode rodar, avaliação incluída; depois todo o seu grupo de processos é morto
cli-value-seconds = SEGUNDOS
cli-value-n = N
cli-value-dir = PASTA

## Erros antes de qualquer verificação

# O valor de uma opção que não é um número inteiro ($rust: o texto do Rust,
# em inglês) ou que está fora do intervalo.
check-error-number = { $kind ->
        [empty] falta o número
        [too-large] número grande demais
        [invalid-digit] não é um número inteiro
       *[other] { $rust }
    }
check-error-out-of-range = { $number } não está entre { $low } e { $high }

check-error-key-not-set = --teacher-key lê a chave da variável de ambiente CHAMADA_TEACHER_KEY, que não está definida
check-error-key-invalid = CHAMADA_TEACHER_KEY: uma chave do professor tem de 1 a 64 caracteres ASCII imprimíveis, sem espaços
check-error-not-host-port = { $server } não é HOST:PORTA ({ $error })
check-error-no-address = { $server } não tem endereço
check-error-cannot-connect = não foi possível conectar a { $addr }: { $error }; o servidor está rodando?
check-error-cannot-read = não foi possível ler { $path }: { $error }
check-error-cannot-create = não foi possível criar { $path }: { $error }
check-error-cannot-write = não foi possível gravar { $path }: { $error }

## O relatório

check-report-header = check { $server }
check-report-header-one-at-a-time = check { $server } (avaliado como um servidor que atende um cliente por vez)
# As marcas antes de cada verificação, alinhadas pela mais longa.
check-report-ok = ok
check-report-fail = FALHA
# Os rótulos das linhas de uma falha, alinhados pelo mais longo.
check-report-sent = enviado
check-report-expected = esperado
check-report-got = recebido
check-report-read = leia
check-report-chapter = "{ $title }" ({ $file })
check-report-chapter-section = "{ $title }", seção "{ $section }" ({ $file })
check-report-failed-runs = falhou em { $failed } de { $runs } execuções; a primeira vez:
check-failed-in-runs = { $name } (falhou em { $failed } de { $runs } execuções)
# $categories: "enquadramento 13/13, ordem 6/6, ..."; $seconds: 3,2
check-report-score = pontuação: { $score }/{ $max } ({ $categories }); { $passed ->
        [yes] todas as verificações passaram
       *[no] algumas verificações falharam
    } (tempo total: { $seconds } s)
check-report-score-repeated = pontuação: { $score }/{ $max } ({ $categories }); { $passed ->
        [yes] todas as verificações passaram
       *[no] algumas verificações falharam
    } (cada verificação executada { $runs } vezes; tempo total: { $seconds } s)

check-category-requests = requisições e respostas
check-category-bad-input = entradas inválidas e limites
check-category-framing = enquadramento
check-category-concurrency = concorrência
check-category-order = ordem
check-category-times = horários

## Onde ler: o capítulo que ensina a regra de uma verificação, na edição
## em português do livro (bash book/build.sh a gera em book/book/pt-BR/).
## O PROTOCOL.md é lido na sua tradução, o capítulo "A referência:
## PROTOCOL.md" da edição em português.

check-chapter-protocol = O protocolo
check-file-protocol = book/book/pt-BR/protocol.html
check-chapter-protocol-md = A referência: PROTOCOL.md
check-file-protocol-md = book/book/pt-BR/protocol-reference.html
check-chapter-framing = Enquadramento
check-file-framing = book/book/pt-BR/framing.html
check-chapter-lesson-01 = Lição 01: bloqueante
check-file-lesson-01 = book/book/pt-BR/lesson-01.html
check-chapter-lesson-02 = Lição 02: threads
check-file-lesson-02 = book/book/pt-BR/lesson-02.html
check-section-who-says-what = Quem diz o quê
check-section-errors = Erros
check-section-state-itself = O estado em si
check-section-second-client-waits = Um segundo cliente espera
check-section-lock-never-across-io = Por que o lock nunca é mantido durante E/S
check-section-check-and-act = Verificar e agir sob um único lock
# Seções do PROTOCOL.md, com o título da sua tradução.
check-section-for-implementers = Para quem implementa
check-section-transport-and-framing = Transporte e enquadramento

## As verificações, por categoria

check-name-help = HELP recebe uma linha HELP
check-name-start = START abre uma chamada: STARTED <class> <time>
check-name-present = PRESENT numa chamada aberta: PRESENCE <class> <time>
check-name-present-refused = PRESENT numa turma sem chamada aberta: PRESENCE 0 <time>
check-name-status-keeps-open = STATUS lista quem respondeu e deixa a chamada aberta
check-name-end-closes = END lista quem respondeu, encerra a chamada e a esquece
check-name-repeated-answer = uma resposta repetida é registrada uma vez, com o horário da primeira
check-name-start-twice = START de uma turma com chamada aberta: ERROR already-open, e a lista continua
check-name-start-again = um START depois do END começa uma lista vazia
check-name-lenient-syntax = verbos em maiúsculas ou minúsculas, espaços e tabulações entre as palavras, zeros à esquerda
check-name-auth = AUTH recebe AUTHORIZED
check-name-quit = QUIT recebe BYE, e o servidor encerra a conexão
check-name-unknown = uma requisição desconhecida: ERROR bad-request, e a conexão continua aberta
check-name-arguments = o número errado de argumentos: ERROR bad-request
check-name-bad-classes = uma turma fora de 1 a 4294967295: ERROR bad-request
check-name-bad-students = uma matrícula que não tem de 1 a 32 letras ou dígitos: ERROR bad-request
check-name-not-utf8 = uma linha que não é UTF-8: ERROR bad-request, e a conexão continua aberta
check-name-bad-keys = uma chave no AUTH que não tem de 1 a 64 caracteres ASCII imprimíveis: ERROR bad-request
check-name-other-white-space = só espaço e tabulação separam palavras: outros caracteres de espaço fazem parte da palavra
check-name-ascii-case-only = verbos ignoram maiúsculas e minúsculas só nas letras ASCII: "ſtart" e "quıt" não são verbos
check-name-key = a chave do professor: exigida para START, e uma chave errada é recusada
check-name-class-full = uma turma cheia: ERROR full para um aluno novo, PRESENCE para quem já está na lista
check-name-server-full = um servidor cheio: ERROR full para um START, e espaço de novo depois de um END
check-name-split = uma requisição dividida em várias escritas é lida inteira
check-name-pipelined = várias requisições numa só escrita são respondidas uma a uma, em ordem
check-name-crlf = linhas terminadas em CR LF (telnet, Windows) funcionam
check-name-blank-lines = linhas em branco não recebem resposta
check-name-longest-line = uma linha de 256 bytes, a mais longa permitida, é respondida
check-name-too-long = uma linha de 257 bytes: ERROR line-too-long, e o servidor encerra a conexão
check-name-limit-counts-crlf = os 256 bytes contam o fim de linha, tanto o CR quanto o LF
check-name-endless = 8 KiB sem quebra de linha: ERROR line-too-long sem esperar o fim da linha
check-name-vanished = um cliente que fecha a conexão no meio de uma linha: a meia linha não é uma requisição
check-name-second-client-waits = um segundo cliente espera enquanto o primeiro está conectado, e é atendido quando ele sai
check-name-silent-clients = dois clientes calados (um não enviou nada, outro meia linha) não atrasam um terceiro
check-name-two-teachers = as turmas de dois professores não se misturam
check-name-answers-during-end = alunos respondem enquanto o professor encerra a chamada: todo PRESENCE <class> está na lista, nenhum PRESENCE 0 está
check-name-start-start = dois professores enviam START da mesma turma no mesmo instante: um STARTED, um ERROR already-open
check-name-end-end = dois professores enviam END da mesma turma no mesmo instante: um ENDED, um ERROR not-open
check-name-present-end = um PRESENT no mesmo instante que o END: PRESENCE <class> só para um aluno que o ENDED lista
check-name-status-present = um STATUS no mesmo instante que um PRESENT: a lista até ali, com ou sem o aluno novo
check-name-stalled-then-gone = um cliente que pede respostas longas e nunca as lê: o próximo cliente é atendido quando ele sai
check-name-stalled-reader = um cliente que pede respostas longas e nunca as lê atrasa só a si mesmo
check-name-status-order = STATUS lista os alunos na ordem das respostas
check-name-ended-order = ENDED lista os alunos na ordem das respostas
check-name-across-clients = respostas de vários clientes são listadas na ordem em que foram registradas
check-name-with-offset = horários em RFC 3339 com o deslocamento em relação ao UTC: 2026-11-24T10:15:03-03:00
check-name-whole-seconds = horários em segundos inteiros
check-name-status-time = STATUS informa o horário em que a chamada foi aberta

## O que uma falha mostra: "enviado" descreve o que o check enviou;
## "esperado", o que o PROTOCOL.md exige; "recebido", o que voltou. As
## linhas do protocolo ficam como são, em qualquer idioma.

# O nome de uma conexão no log, antes do que ela enviou: "professor 1> START 7".
check-who-teacher = professor
check-who-teacher-1 = professor 1
check-who-teacher-2 = professor 2
check-who-student = aluno
check-who-student-1 = aluno 1
check-who-student-2 = aluno 2
check-who-silent-client = cliente calado
check-who-half-line-client = cliente da meia linha
check-who-third-client = terceiro cliente
check-who-first-client = primeiro cliente
check-who-second-client = segundo cliente
check-who-vanishing-client = cliente que some
check-who-another-client = outro cliente
check-who-stalled-client = cliente parado
check-who-another-teacher = outro professor
check-who-client = cliente { $n }
check-who-helper = auxiliar { $n }

check-log-skipped = ({ $count ->
        [one] { $count } linha anterior omitida
       *[other] { $count } linhas anteriores omitidas
    })
check-sent-auth-key = AUTH <a chave em CHAMADA_TEACHER_KEY>
check-sent-until-stuck = { $request }, repetido sem parar e sem ler nada, até o servidor deixar de aceitar
check-sent-not-utf8 = START \xff\xfe (bytes que não são UTF-8)
check-char-form-feed = avanço de página
check-char-vertical-tab = tabulação vertical
check-char-unit-separator = separador de unidade
check-char-no-break-space = espaço sem quebra
check-sent-form-feed-alone = \f (um avanço de página sozinho)
check-sent-split = PRESENT ana { $class }, em 4 escritas com 30 ms de intervalo: "PRE" "SENT a" "na " "{ $class }\n"
check-sent-one-write = { $requests } (tudo numa só escrita)
check-sent-blank-lines = \n\r\n   \n\t\nHELP\n (quatro linhas em branco e depois HELP, numa só escrita)
# $ending é \n ou \r\n.
check-sent-padded = HELP, { $spaces } espaços, { $ending } ({ $bytes } bytes)
check-sent-endless = PRESENT aaaa... (8 KiB, sem quebra de linha)
check-sent-half-then-close = { $request } (sem quebra de linha; depois o cliente fecha o seu lado)
check-sent-half-then-silence = PRESENT ana (sem quebra de linha; depois, silêncio)
check-sent-fill-class = PRESENT f<n> { $class } para n = { $first }, { $second }, { $third }, ... (alunos novos, um por vez, até ERROR full)
check-sent-fill-server = START <class> para turmas novas, uma por vez, até ERROR full
check-sent-end-all = END <class> para { $count ->
        [one] a turma que abriu
       *[other] as { $count } turmas que abriu
    }
check-sent-big-class = PRESENT long<n> { $class } para { $count } alunos com matrículas de 32 caracteres, um por vez
# $how é in-turn ou at-once.
check-sent-students-answer = { $clients } clientes, { $how ->
        [in-turn] um cliente por vez
       *[at-once] ao mesmo tempo
    }, cada um envia PRESENT c<client>s<n> { $class } para { $each } alunos, uma requisição por vez ({ $all } alunos ao todo)
check-sent-status-after-quarter = STATUS { $class }, depois de cerca de um quarto das respostas
check-sent-end-after-half = END { $class }, depois de cerca da metade

check-expect-any = uma resposta
check-expect-a-connection = uma conexão
check-expect-max-open = no máximo { $count } conexões abertas ao mesmo tempo
check-expect-connects = { $who } conecta a { $addr }
check-expect-takes-request = o servidor aceita a requisição
check-expect-closes-sending = a conexão fecha o seu lado de envio
check-expect-help-list = HELP <a lista de requisições>
check-expect-same-line = a mesma linha de novo: { $line }
check-expect-authorized-any = AUTHORIZED (um servidor sem chave do professor aceita qualquer uma)
check-expect-closed-after-bye = o servidor encerra a conexão depois do BYE
check-expect-still-open = HELP ... (a conexão continua aberta)
check-expect-key-too-long = ERROR bad-request ... (65 caracteres: uma chave tem no máximo 64)
check-expect-key-not-ascii = ERROR bad-request ... (é não é ASCII)
check-expect-bad-request-because = ERROR bad-request ... ({ $why })
check-why-separators = só um espaço ou uma tabulação separa palavras
check-why-not-blank = uma linha com qualquer coisa além de espaços e tabulações não está em branco
check-why-ascii-fold = só as letras ASCII a-z viram A-Z
# "1ª resposta: STARTED 7 <time>": a resposta esperada naquela posição.
check-expect-nth = { $n }ª resposta: { $response }
check-expect-help-only = HELP ... (a única resposta)
check-expect-bye-no-blank = BYE (nenhuma resposta às linhas em branco no meio)
check-expect-help-256-crlf = HELP ... (256 bytes com o CR e o LF: o máximo permitido)
check-expect-too-long-257-crlf = ERROR line-too-long ... (257 bytes com o CR e o LF)
check-expect-closed-after-too-long = o servidor encerra a conexão depois do line-too-long
check-expect-closed-no-response = o servidor encerra a conexão sem responder: uma linha que nunca terminou não é uma requisição
check-expect-half-no-request = ERROR not-open ... (a meia linha não foi uma requisição)
check-expect-presence-or-full = PRESENCE { $class } <time>, ou ERROR full quando a turma estiver cheia
check-expect-class-full = ERROR full para um aluno novo quando a turma já lista tantos quantos o servidor registra (PROTOCOL.md: no máximo { $most }, a menos que o servidor tenha sido iniciado com --max-students)
check-expect-still-full = ERROR full ... (um aluno novo, e a turma continua cheia)
check-expect-listed-kept = PRESENCE { $class } <time> (f0 já está na lista, então a turma cheia o mantém)
check-expect-ended-full = ENDED { $class } <time> { $count } f0 f1 ... (todo aluno que recebeu PRESENCE { $class })
check-expect-server-full = ERROR full para um START quando o servidor já tem tantas chamadas abertas quanto pode (PROTOCOL.md: no máximo { $most }, a menos que o servidor tenha sido iniciado com --max-classes)
check-expect-started-or-full = STARTED <class> <time>, ou ERROR full quando o servidor estiver cheio
check-expect-first-started = STARTED pelo menos para o primeiro START (nenhuma turma do check estava aberta)
check-expect-room-after-end = STARTED { $class } <time> (um END abriu espaço para uma)
check-expect-started-at-once = STARTED { $class } <time> (na hora: o silêncio dos outros só afeta a eles)
check-expect-second-waits = nenhuma resposta ao segundo cliente enquanto o primeiro está conectado
check-expect-first-still-served = HELP ... (o primeiro cliente continua sendo atendido)
check-expect-once-first-left = HELP ... (assim que o primeiro cliente sai)
check-expect-any-order = { $response } (em qualquer ordem)
check-expect-left-alone = { $response } (em qualquer ordem; encerrar a { $ended } não mexeu na { $other })
check-expect-presence-or-zero = PRESENCE { $class } <time>, ou PRESENCE 0 <time> depois que a chamada foi encerrada
# $name é STATUS ou ENDED.
check-expect-lists-once = { $name } lista cada aluno uma vez
check-expect-lists-only-answered = { $name } lista só alunos que responderam
check-expect-no-zero-listed = { $name } não lista ninguém que recebeu PRESENCE 0
check-expect-ended-lists-all = ENDED lista todo aluno que recebeu PRESENCE { $class } <time>
check-expect-status-lists-earlier = STATUS lista todo aluno que recebeu PRESENCE { $class } antes do pedido
check-expect-start-race = um STARTED { $class } <time> e um ERROR already-open: uma turma é aberta uma vez só
check-expect-ended-opened-once = ENDED { $class } <time> 0 (ela foi aberta uma vez só)
check-expect-end-race = um ENDED { $class } <time> 0 e um ERROR not-open: uma chamada é encerrada uma vez só
check-expect-present-end-race = ou PRESENCE { $class } <time> e ENDED { $class } <time> 1 { $id }, ou PRESENCE 0 <time> e ENDED { $class } <time> 0: um aluno que recebeu PRESENCE está na lista
check-expect-status-present-race = PRESENCE { $class } <time>, e STATUS { $class } <time> { $so_far }, com ou sem { $id } (em qualquer ordem)
check-expect-stalled-alone = (na hora: o cliente parado só atrasa a si mesmo)
check-expect-offset = todo horário em RFC 3339 com o deslocamento em relação ao UTC, por exemplo 2026-11-24T10:15:03-03:00
check-expect-whole-seconds = todo horário em segundos inteiros, por exemplo 10:15:03, não 10:15:03.250
check-expect-status-time = STATUS { $class } { $time } ... (o horário do STARTED)

check-got-closed = o servidor encerrou a conexão
check-got-silent = nenhuma resposta em { $seconds } s: o servidor está travado (ainda esperando alguma coisa?)
check-got-line-too-long = uma linha com mais de { $bytes } bytes
check-got-half-line = meia linha, e o servidor encerrou a conexão: { $half }
check-got-not-a-response = (não é uma resposta: { $why })
check-got-cannot-connect = não foi possível conectar: { $error }
check-got-sending-failed = o envio falhou: { $error }
check-got-too-many-open = o check tentou abrir mais (um bug do check)
check-got-panicked = uma thread do check entrou em pânico (um bug do check)
check-got-another-time = (outro horário: vale o da primeira resposta)
check-got-never-full-class = { $count } alunos numa só turma receberam todos PRESENCE { $class } <time>
check-got-never-full-server = { $count } chamadas abertas ao mesmo tempo, todas STARTED
check-got-hint-one-at-a-time = (um servidor que atende um cliente por vez de propósito, como o da lição 01, é avaliado com --one-at-a-time)
check-got-hint-at-once = (este servidor atende vários clientes ao mesmo tempo: avalie-o sem --one-at-a-time)
check-got-told-counts = ({ $recorded } alunos receberam PRESENCE { $class } <time>, { $refused } receberam PRESENCE 0 <time>)
check-got-lists-twice = { $name } lista { $id } duas vezes
check-got-lists-never-answered = { $name } lista { $id }, que nunca respondeu
check-got-zero-listed = { $id } recebeu PRESENCE 0, mas { $name } o lista
check-got-ended-lost = { $id } recebeu PRESENCE { $class } <time>, mas ENDED não o lista ({ $count ->
        [one] { $count } aluno perdido assim
       *[other] { $count } alunos perdidos assim
    })
check-got-status-missed = { $id } recebeu PRESENCE { $class } antes do STATUS, mas o STATUS não o lista
check-got-round = (rodada { $round } de { $of })
check-time-no-offset = sem deslocamento em relação ao UTC: o RFC 3339 exige `+00:00` ou `Z` (ou o deslocamento local, como `-03:00`) depois da hora; em Python, datetime.now().astimezone() tem um
check-time-not-rfc3339 = { $time } não é um horário RFC 3339, que se escreve 2026-11-24T10:15:03-03:00
check-time-fraction = frações de segundo: o PROTOCOL.md exige segundos inteiros; em Python, isoformat(timespec="seconds")

## --teams

check-teams-at-line = linha { $line }: { $why }
check-teams-no-command = uma equipe é `NOME COMANDO...`, e esta linha não tem comando
check-teams-bad-name = { $name } não pode ser nome de equipe: use letras, dígitos, - _ e . (ele dá nome aos arquivos da equipe)
check-teams-twice = a equipe { $name } aparece duas vezes
check-teams-none = o arquivo de equipes não lista nenhuma equipe
check-teams-grading = avaliando { $team } ...
check-teams-grades-in = notas em { $path }
check-teams-column-team = equipe
check-teams-column-score = pontos
check-teams-column-result = resultado
check-teams-all-passed = todas as verificações passaram
check-teams-some-failed = { $count ->
        [one] { $count } verificação falhou
       *[other] { $count } verificações falharam
    }
check-teams-error = erro: { $error }
check-teams-note = observação: { $note }
check-teams-no-temp-folder = não foi possível criar uma pasta temporária: { $error }
check-teams-no-free-port = não foi possível achar uma porta livre: { $error }
check-teams-cannot-run = não foi possível executar sh -c { $command }: { $error }
check-teams-first-line = a primeira linha foi { $first }, e não { $wanted } (PROTOCOL.md, Starting a server)
check-teams-no-first-line = o servidor escutou, mas não mostrou nenhuma linha inteira em { $seconds } s; o PROTOCOL.md pede { $wanted } primeiro, com flush
check-teams-ended-early = o comando terminou ({ $status }) sem escutar em { $addr }; veja o .log da equipe
check-teams-never-listened = nenhum servidor escutou em { $addr } dentro de { $seconds } s (o comando usa {"{"}port{"}"}?); veja o .log da equipe
check-teams-exit-code = código de saída { $code }
check-teams-unix-only = --teams precisa de sh e de grupos de processos: rode-o em Linux ou macOS (ou no WSL)

## Erros do sistema

# $kind nomeia os mais comuns; $os é o texto do próprio sistema, em inglês.
check-io-error = { $kind ->
        [refused] conexão recusada
        [reset] a conexão foi encerrada pela outra ponta
        [timed-out] o tempo limite se esgotou
        [broken-pipe] a outra ponta fechou a conexão
        [not-found] arquivo ou pasta não encontrado
        [permission] permissão negada
        [address-not-available] endereço indisponível nesta máquina
        [invalid-input] endereço de socket inválido
       *[other] { $os }
    }
# Depois de um relatório com falhas: onde estão os capítulos indicados.
check-report-book-hint = Os capítulos indicados em "leia" são da edição em português do livro: gere-a com `bash book/build.sh` (as páginas ficam em book/book/pt-BR/) ou leia-a com `bash book/serve.sh`, em http://localhost:3001.
