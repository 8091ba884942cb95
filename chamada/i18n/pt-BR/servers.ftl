# O que todo servidor diz (chamada/src/server.rs, connection.rs, clock.rs).
# A primeira linha, listening on HOST:PORT, não está aqui: ela nunca muda
# com o idioma, porque scripts e corretores a leem.

startup-cannot-listen = não foi possível escutar em { $addr }: { $advice } (o sistema disse: { $error })
startup-addr-in-use = outro programa (talvez outro servidor) já escuta na porta { $port }; encerre-o ou escolha outra porta, por exemplo --bind { $other }
startup-addr-not-here = { $ip } não é um endereço desta máquina; use 127.0.0.1 para aceitar só esta máquina ou 0.0.0.0 para todas as redes em que ela está
startup-port-needs-admin = portas abaixo de 1024 exigem direitos de administrador; escolha uma porta acima de 1024
startup-check-bind = confira o endereço dado a --bind
clock-bad-start = { $var } deve ser um horário RFC 3339, como 2026-11-24T10:15:00-03:00, e não "{ $value }"
clock-bad-step = { $var } deve ser um número inteiro de segundos, e não "{ $value }"

reachable-header = os clientes se conectam a um dos endereços { $family } desta máquina:
reachable-loopback = só esta máquina
reachable-cannot-list = (não foi possível listar os outros endereços: { $error })
reachable-dual-stack = clientes IPv4 também podem se conectar, aos endereços IPv4 desta máquina: o socket é dual-stack (IPV6_V6ONLY está desligado)

log-connected = { $peer } conectado
log-disconnected = { $peer } desconectado após { $requests ->
        [0] nenhuma requisição
        [one] { $requests } requisição
       *[other] { $requests } requisições
    }: { $why }
log-unknown-peer = (endereço desconhecido)
ending-client-left = o cliente encerrou a conexão
ending-quit = o cliente enviou QUIT
ending-error = encerrada pelo servidor ({ $code })
ending-after = encerrada pelo servidor após { $response }
ending-failed = { $error }

server-accept-failed = accept falhou: { $error }
server-cannot-set-read-timeout = não foi possível definir o tempo limite de leitura de uma nova conexão: { $error }
server-cannot-start-thread = não foi possível iniciar uma thread para uma nova conexão: { $error }
server-cannot-start-closer = não foi possível iniciar a thread que fecha as conexões recusadas: { $error }
server-turned-away = { $peer } recusado: já { $limit ->
        [one] há { $limit } conexão
       *[other] há { $limit } conexões
    }
server-closed-at-once = { $peer } fechado de imediato: clientes demais recusados ao mesmo tempo
server-key-needed = professores precisam enviar AUTH com a chave de professor
server-wrong-key = { $peer }: chave de professor errada ({ $tries } de { $max } tentativas)
server-cannot-read-file-limit = não foi possível ler o limite de arquivos abertos ({ $error }); supondo que basta
server-file-limit-low = o limite de arquivos abertos ({ $limit }) comporta só { $room } conexões: atendendo no máximo { $room }, e não { $wanted } (aumente o limite com `ulimit -n`)
server-shutting-down = encerrando: nenhuma conexão nova; fechando { $open ->
        [0] nenhuma conexão aberta
        [one] { $open } conexão aberta
       *[other] { $open } conexões abertas
    }
server-still-open = { $count ->
        [0] nenhuma chamada ainda aberta
        [one] { $count } chamada ainda aberta
       *[other] { $count } chamadas ainda abertas
    } no encerramento
server-lines-lost = { $lost } linha(s) do log não puderam ser escritas; as chamadas ainda abertas eram:
startup-cannot-install-ctrlc = não foi possível instalar o tratador de Ctrl-C: { $error }
startup-cannot-start-event-loop = não foi possível iniciar o laço de eventos: { $error }
server-poll-failed = poll falhou; parando: { $error }
server-cannot-register = não foi possível registrar uma nova conexão: { $error }

journal-restored = log de transações { $path }: { $open ->
        [one] { $open } chamada aberta
       *[other] { $open } chamadas abertas
    }, { $n ->
        [one] { $n } presença restaurada
       *[other] { $n } presenças restauradas
    }

lesson-01-blocking-about = Lição 01: um servidor de chamada que atende um cliente de cada vez
lesson-02-threads-about = Lição 02: um servidor de chamada com uma thread por cliente
lesson-03-1-registry-about = Lição 03, passo 1: uma thread de registro é dona das chamadas
lesson-03-2-listener-about = Lição 03, passo 2: o socket de escuta, feito à mão
lesson-03-3-protections-about = Lição 03, passo 3: uma thread de registro, um socket de escuta feito com socket2, limites de conexões, tempos limite e uma chave de professor
lesson-03-4-shutdown-about = Lição 03, passo 4: o passo 3 e um encerramento ordenado
lesson-03-5-durability-about = Lição 03, passo 5: o passo 4 e um log de transações, para que uma queda não perca nada confirmado
lesson-03-final-about = Lição 03: o servidor de chamada para uma sala de aula de verdade, com uma thread de registro, limites de conexões, tempos limite, uma chave de professor, encerramento ordenado e um log de transações
lesson-bonus-event-loop-about = A lição bônus: o servidor da lição 03 numa só thread, com sockets não bloqueantes e um laço de eventos
cli-arg-max_connections = O máximo de clientes atendidos ao mesmo tempo; o seguinte recebe ERROR busy.
cli-arg-idle_timeout = Encerra a conexão de um cliente que passa esse tempo sem enviar requisição (linhas em branco não contam).
cli-arg-write_timeout = Encerra a conexão de um cliente quando uma resposta não saiu inteira dentro desse tempo (o cliente parou de ler, ou lê devagar demais).
cli-arg-shutdown_grace = No encerramento, quanto tempo as conexões abertas têm para terminar a requisição e ouvir ERROR shutdown antes de os seus sockets serem fechados.
cli-arg-teacher_key = Exige esta chave (AUTH <chave>) para START, END e STATUS: de 8 a 64 caracteres ASCII imprimíveis, que podem começar com -. Prefira a variável de ambiente: uma linha de comando fica visível para todos no ps. Uma chave inválida é recusada sem ser mostrada.
cli-arg-journal = Guarda todas as chamadas neste log de transações, para que uma queda não perca nada confirmado: um servidor iniciado de novo sobre ele as reabre.
cli-arg-no_journal = Guarda as chamadas só na memória: uma queda do servidor as perde.
cli-arg-max_batch = Só para o benchmark: o máximo de requisições que o registro pega de uma vez; 1 sincroniza o log de transações depois de cada requisição.
cli-arg-compact_journal_at = Só para os testes: compacta o log de transações quando ele chega a esse número de bytes.
cli-value-bytes = BYTES
