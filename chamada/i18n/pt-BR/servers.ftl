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
