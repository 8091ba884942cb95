# Os clientes do professor e do aluno (chamada/src/client.rs e src/bin/).

## Onde está o servidor

client-connected = Conectado a { $server }.
addr-port-zero = a porta 0 não é uma porta em que um servidor escute; informe a porta que ele mostrou
addr-not-a-port = { $port } não é uma porta (de 1 a 65535)
addr-bad = escreva um nome de máquina ou um endereço IP, com ou sem porta: localhost, 192.168.0.10:5050, ::1, [::1]:5050
addr-none = { $server } não tem endereço

## O que deu errado do lado do cliente

client-error-unreachable = não foi possível conectar-se a um servidor em { $server } ({ $reason }). Inicie um com `cargo run -p lesson-03-final` ou informe o endereço dele com --server HOST:PORTA.
client-error-closed = o servidor encerrou a conexão
client-error-io = erro na conexão: { $error }
client-error-garbled = a resposta do servidor não faz sentido: { $reason }
client-error-key-refused = o servidor recusou a chave do professor; confira --key ou CHAMADA_TEACHER_KEY
client-error-key-not-checked = o servidor não conferiu a chave do professor: { $error }
client-error-auth-answer = AUTH foi respondido com { $response }
client-failed = { $program }: { $error }

## O que uma resposta significa, para uma pessoa

answer-started = Chamada da turma { $class } aberta em { $at }.
answer-status-empty = Turma { $class }: chamada aberta desde { $since }; ninguém respondeu ainda.
answer-status = Turma { $class }: chamada aberta desde { $since }; { $count ->
        [one] { $count } aluno respondeu
       *[other] { $count } alunos responderam
    } até agora:
answer-ended-empty = Chamada da turma { $class } encerrada em { $at }; ninguém respondeu.
answer-ended = Chamada da turma { $class } encerrada em { $at }; { $count ->
        [one] { $count } aluno presente
       *[other] { $count } alunos presentes
    }:
answer-presence = Presença registrada: aluno { $student } na turma { $class } em { $at }.
answer-presence-refused = Presença recusada: a turma { $class } não tem chamada aberta (resposta recebida em { $at }).
answer-error = Erro ({ $code }): { $explanation }.
error-explained = { $code ->
        [already-open] a turma { $class } já tem uma chamada aberta
        [not-open] a turma { $class } não tem chamada aberta
        [full] o limite foi atingido: a turma { $class } já tem o máximo de alunos, ou o servidor, o máximo de chamadas abertas (o servidor disse: “{ $message }”)
        [forbidden] o servidor exige a chave do professor: use --key ou CHAMADA_TEACHER_KEY (o servidor disse: “{ $message }”)
        [busy] o servidor está com o máximo de conexões; tente de novo daqui a pouco
        [timeout] o servidor encerrou a conexão por falta de requisições
        [shutdown] o servidor está sendo desligado
        [line-too-long] a requisição passou do tamanho máximo de uma linha
        [bad-request] o servidor não entendeu a requisição (o servidor disse: “{ $message }”)
       *[other] { $message }
    }

## O cliente do professor

teacher-about = O cliente do professor para o servidor de chamada. Com um comando, executa-o e termina (código 0 se deu certo, 1 se foi recusado). Sem comando, abre um menu interativo.
teacher-arg-key = A chave do professor, se o servidor foi iniciado com uma. Prefira a variável de ambiente: uma linha de comando fica visível para todos no `ps`. A chave pode começar com `-`; uma chave inválida é recusada sem ser mostrada.
teacher-start-about = Abre a chamada de uma turma.
teacher-start-arg-class = A turma: um número inteiro de 1 a 4294967295.
teacher-status-about = Mostra quem já respondeu.
teacher-status-arg-class = A turma: um número inteiro de 1 a 4294967295.
teacher-status-arg-csv = Também salva a lista de alunos em ARQUIVO, em CSV (substituindo-o).
teacher-end-about = Encerra a chamada e lista todos os que responderam.
teacher-end-arg-class = A turma: um número inteiro de 1 a 4294967295.
teacher-end-arg-csv = Também salva a lista de alunos em ARQUIVO, em CSV (substituindo-o).
teacher-bad-key = valor inválido para { $option } (ou CHAMADA_TEACHER_KEY): a chave do professor tem de 1 a { $max } caracteres ASCII imprimíveis, sem espaços (o valor não é mostrado: é um segredo)
bad-class = a turma é um número inteiro de 1 a { $max }
bad-student = a matrícula tem de 1 a { $max } letras ou dígitos

# As palavras start, status, end, help e quit são digitadas como estão (são
# os verbos do protocolo); os números são a outra forma de escolher.
teacher-menu =
    Menu do professor:
      1  start <turma>    abrir a chamada de uma turma
      2  status <turma>   ver quem já respondeu
      3  end <turma>      encerrar a chamada e listar quem respondeu
      4  help             mostrar este menu
      5  quit             sair
    Digite um número ou uma palavra e depois a turma: 1 42 ou start 42.
teacher-prompt = professor>{" "}
teacher-not-in-menu = “{ $word }” não está no menu; digite help para vê-lo.
teacher-needs-class = { $word } precisa de uma turma, por exemplo: { $word } 42.
teacher-too-many-words = Digite um número ou uma palavra e uma turma, nada mais: 1 42 ou start 42.
teacher-bad-class = “{ $word }” não é uma turma: { $why }.

## Salvar uma lista em CSV

teacher-cannot-write = teacher: não foi possível gravar { $path }: { $error }
teacher-list-saved = Lista salva em { $path }. Ela não tem os horários das respostas (o protocolo não os envia): o servidor guarda as listas completas, com os horários, na pasta chamada.ended/, ao lado do seu journal.

## O cliente do aluno

student-about = O cliente do aluno para o servidor de chamada. Com a matrícula e a turma, responde uma vez e termina (código 0 se a presença foi registrada, 1 se foi recusada). Sem elas, pergunta num prompt.
student-arg-student = Sua matrícula: de 1 a 32 letras ou dígitos.
student-arg-class = A turma cuja chamada você está respondendo.
student-how-to = Digite sua matrícula e a turma, por exemplo `042191010 42`; `quit` para sair.
student-prompt = aluno>{" "}
student-not-sent = Não enviada: { $why }.

system-error = { $kind ->
        [refused] conexão recusada: nenhum programa escuta nessa porta; { $error }
        [timed-out] o tempo de espera acabou; { $error }
        [unreachable] não há caminho na rede até esse endereço; { $error }
       *[other] { $error }
    }

time-for-people = { $day }/{ $month }/{ $year } às { $time }
