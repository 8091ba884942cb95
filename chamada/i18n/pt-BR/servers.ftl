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
