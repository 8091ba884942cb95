# Linhas de comando: --help e os erros de uma linha de comando errada, para
# todos os programas (chamada::i18n::cli).

cli-usage = Uso:
cli-options = Opções
cli-arguments = Argumentos
cli-commands = Comandos
cli-command = COMANDO
cli-help = Mostra esta ajuda
cli-version = Mostra a versão
cli-default = [padrão: { $value }]
cli-env = [variável de ambiente: { $name }]

cli-arg-lang = O idioma das mensagens, en ou pt-BR, em vez do que LC_ALL, LC_MESSAGES ou LANG indicam
cli-arg-server = O endereço do servidor: um nome de máquina ou endereço IP, com ou sem porta (5050 quando não há porta). IPv6 como ::1, [::1] ou [::1]:5050.
cli-arg-raw = Mostra as linhas de resposta do protocolo exatamente como o servidor as enviou.

cli-error = erro: { $message }
cli-try-help = Para mais informações, use '--help'.
cli-error-invalid-value = valor inválido '{ $value }' para '{ $arg }': { $reason }
cli-error-not-one-of = valor inválido '{ $value }' para '{ $arg }': os valores possíveis são { $valid }
cli-error-unknown = argumento inesperado '{ $arg }'
cli-error-unknown-command = comando desconhecido '{ $name }'
cli-error-missing = falta um argumento obrigatório: { $arg }
cli-error-conflict = '{ $arg }' não pode ser usado com os outros argumentos dados

cli-value-host-port = HOST:PORTA
cli-value-class = TURMA
cli-value-student = MATRÍCULA
cli-value-file = ARQUIVO
cli-value-key = CHAVE
cli-value-lang = IDIOMA

cli-arg-bind = O endereço em que escutar: 127.0.0.1:5050 aceita conexões só desta máquina, 0.0.0.0:5050 de toda a rede do laboratório, e a porta 0 deixa o sistema escolher uma porta livre.
cli-arg-max_students = O máximo de alunos que uma chamada registra; o seguinte recebe ERROR full.
cli-arg-max_classes = O máximo de chamadas abertas ao mesmo tempo; o START seguinte recebe ERROR full.
cli-value-addr = ENDEREÇO
