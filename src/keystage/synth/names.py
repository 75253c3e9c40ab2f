"""Name lists for the synthetic LA: pupils' names by heritage and sex, school name parts.

Forenames are chosen to fit the sex already drawn for a pupil (the sex is never derived from
a name). The lists are common names in English primary schools, not real pupils.
"""

from __future__ import annotations

# heritage -> (girls' forenames, boys' forenames, surnames)
NameLists = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]

_ENGLISH_GIRLS = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
    "Grace", "Freya", "Evie", "Poppy", "Ella", "Florence", "Willow", "Daisy", "Millie", "Ruby",
    "Harper", "Sienna", "Phoebe", "Elsie", "Matilda", "Emily", "Erin", "Holly", "Maisie", "Lola",
)  # fmt: skip
_ENGLISH_BOYS = (
    "Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Archie", "Henry", "Jack",
    "Theo", "Charlie", "Freddie", "Alfie", "Thomas", "Jacob", "Teddy", "Finley", "Alexander",
    "Isaac", "Joshua", "Riley", "Reggie", "Tommy", "Albie", "Ronnie", "Jude", "Harvey", "Max",
    "Louie",
)  # fmt: skip
_ENGLISH_SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Harris", "Lewis", "Hughes", "Edwards", "Turner", "Hill", "Moore",
    "Cooper", "Ward", "Morris", "Baker", "Parker", "Price", "Bennett", "Griffiths", "Mason",
    "Holmes", "Lloyd", "Cartwright", "Pritchard", "Bayliss", "Hadley", "Cadbury", "Allsopp",
)  # fmt: skip
_IRISH_GIRLS = ("Aoife", "Niamh", "Ciara", "Saoirse", "Siobhan", "Orla", "Grace", "Erin")
_IRISH_BOYS = ("Cian", "Oisin", "Conor", "Sean", "Liam", "Darragh", "Patrick", "Ronan")
_IRISH_SURNAMES = (
    "Murphy", "Kelly", "O'Brien", "Byrne", "Ryan", "O'Connor", "Doyle", "McCarthy", "Gallagher",
    "O'Neill", "Quinn", "Walsh", "Kavanagh", "Fitzgerald",
)  # fmt: skip
_EAST_EUROPEAN_GIRLS = (
    "Zuzanna", "Julia", "Zofia", "Maja", "Hanna", "Lena", "Alicja", "Oliwia", "Ioana", "Maria",
    "Andreea", "Elena", "Gabriela", "Viktorija", "Emilija",
)  # fmt: skip
_EAST_EUROPEAN_BOYS = (
    "Jakub", "Antoni", "Jan", "Szymon", "Filip", "Kacper", "Mikolaj", "Andrei", "Luca",
    "Darius", "Stefan", "Matei", "Lukas", "Nojus", "David",
)  # fmt: skip
_EAST_EUROPEAN_SURNAMES = (
    "Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski", "Zielinski",
    "Popescu", "Ionescu", "Dumitru", "Stan", "Gheorghe", "Kazlauskas", "Petrauskas", "Balog",
    "Lakatos", "Horvath", "Dudek", "Mazur",
)  # fmt: skip
_SOUTH_ASIAN_MUSLIM_GIRLS = (
    "Aisha", "Maryam", "Fatima", "Zainab", "Hafsa", "Khadijah", "Inaya", "Aleena", "Hania",
    "Eman", "Sumayyah", "Amina", "Safa", "Anaya", "Mahnoor", "Zara", "Ayesha", "Hafsah",
    "Nusaybah", "Tasnim", "Raisa", "Jannat", "Sadia", "Iqra",
)  # fmt: skip
_SOUTH_ASIAN_MUSLIM_BOYS = (
    "Muhammad", "Mohammed", "Ibrahim", "Yusuf", "Musa", "Ayaan", "Zayn", "Hamza", "Ali",
    "Abdullah", "Rayyan", "Zakariya", "Haroon", "Umar", "Idris", "Ismail", "Eesa", "Adam",
    "Bilal", "Arham", "Rehan", "Tahmid", "Rafi", "Saad",
)  # fmt: skip
_PAKISTANI_SURNAMES = (
    "Khan", "Hussain", "Ahmed", "Ali", "Akhtar", "Iqbal", "Mahmood", "Hussein", "Shah", "Butt",
    "Raja", "Bibi", "Mirza", "Qureshi", "Aslam", "Javed", "Rashid", "Saleem", "Anwar", "Bashir",
    "Zaman", "Malik", "Arshad", "Sadiq", "Nawaz", "Riaz",
)  # fmt: skip
_BANGLADESHI_SURNAMES = (
    "Rahman", "Uddin", "Miah", "Islam", "Ahmed", "Choudhury", "Hoque", "Begum", "Ali", "Hussain",
    "Alam", "Sarkar", "Khatun", "Karim", "Haque",
)  # fmt: skip
_INDIAN_GIRLS = (
    "Simran", "Jasleen", "Priya", "Anaya", "Kiran", "Navneet", "Harleen", "Divya", "Aanya",
    "Riya", "Ishani", "Saanvi", "Amrit", "Gurleen", "Meera",
)  # fmt: skip
_INDIAN_BOYS = (
    "Arjun", "Harjot", "Jaskaran", "Rohan", "Aarav", "Veer", "Gurpreet", "Dev", "Krish",
    "Arav", "Ishaan", "Manveer", "Aryan", "Sukhdeep", "Vihaan",
)  # fmt: skip
_INDIAN_SURNAMES = (
    "Singh", "Kaur", "Patel", "Sharma", "Sandhu", "Gill", "Bains", "Dhillon", "Sidhu", "Kumar",
    "Chauhan", "Mistry", "Shah", "Johal", "Atwal", "Bhogal", "Mann", "Virdee",
)  # fmt: skip
_AFRICAN_GIRLS = (
    "Amara", "Ifeoluwa", "Chioma", "Adaeze", "Nia", "Ayan", "Hodan", "Fartun", "Ama", "Esi",
    "Tanaka", "Zawadi", "Favour", "Precious", "Blessing", "Deka",
)  # fmt: skip
_AFRICAN_BOYS = (
    "Chidi", "Tobi", "Oluwaseun", "Kwame", "Kofi", "Abdirahman", "Mustafa", "Emeka", "Tendai",
    "Daniel", "Samuel", "David", "Joel", "Elijah", "Hassan", "Abdi",
)  # fmt: skip
_AFRICAN_SURNAMES = (
    "Okafor", "Adeyemi", "Okonkwo", "Mensah", "Osei", "Boateng", "Abdi", "Mohamed", "Hassan",
    "Farah", "Warsame", "Moyo", "Ndlovu", "Adebayo", "Eze", "Nwosu", "Asante", "Ogunleye",
)  # fmt: skip
_CARIBBEAN_GIRLS = (
    "Amelia", "Maya", "Nia", "Kayla", "Jada", "Aaliyah", "Serena", "Tiana", "Imani", "Zuri",
    "Leah", "Destiny",
)  # fmt: skip
_CARIBBEAN_BOYS = (
    "Josiah", "Malachi", "Kai", "Isaiah", "Jayden", "Tyrese", "Elijah", "Micah", "Marcus",
    "Reuben", "Levi", "Nathaniel",
)  # fmt: skip
_CARIBBEAN_SURNAMES = (
    "Campbell", "Brown", "Williams", "Thomas", "Francis", "Clarke", "Johnson", "Grant",
    "Stewart", "Henry", "Reid", "Morgan", "Bailey", "Gordon", "Richards", "Samuels",
)  # fmt: skip
_CHINESE_GIRLS = ("Chloe", "Emily", "Grace", "Yiyi", "Xinyi", "Mei", "Lucy", "Anna", "Ruoxi")
_CHINESE_BOYS = ("Ethan", "Ryan", "Jayden", "Hao", "Yuxuan", "Jun", "Lucas", "Kevin", "Zihan")
_CHINESE_SURNAMES = (
    "Wang", "Li", "Zhang", "Chen", "Liu", "Huang", "Zhou", "Wu", "Lin", "Cheung", "Wong", "Lam",
)  # fmt: skip
_ARAB_GIRLS = (
    "Maryam", "Rahaf", "Lana", "Sara", "Malak", "Jana", "Hala", "Shilan", "Rozh", "Yasmin",
)  # fmt: skip
_ARAB_BOYS = (
    "Omar", "Ahmad", "Yousef", "Karim", "Ali", "Mahmoud", "Hussein", "Aras", "Dilan", "Khalid",
)  # fmt: skip
_ARAB_SURNAMES = (
    "Al-Hassan", "Abdullah", "Saleh", "Mahmoud", "Haddad", "Al-Khatib", "Ahmadi", "Rahimi",
    "Karimi", "Hussaini", "Mustafa", "Aziz", "Osman",
)  # fmt: skip

NAMES: dict[str, NameLists] = {
    "english": (_ENGLISH_GIRLS, _ENGLISH_BOYS, _ENGLISH_SURNAMES),
    "irish": (_IRISH_GIRLS, _IRISH_BOYS, _IRISH_SURNAMES),
    "east_european": (_EAST_EUROPEAN_GIRLS, _EAST_EUROPEAN_BOYS, _EAST_EUROPEAN_SURNAMES),
    "pakistani": (_SOUTH_ASIAN_MUSLIM_GIRLS, _SOUTH_ASIAN_MUSLIM_BOYS, _PAKISTANI_SURNAMES),
    "bangladeshi": (_SOUTH_ASIAN_MUSLIM_GIRLS, _SOUTH_ASIAN_MUSLIM_BOYS, _BANGLADESHI_SURNAMES),
    "indian": (_INDIAN_GIRLS, _INDIAN_BOYS, _INDIAN_SURNAMES),
    "african": (_AFRICAN_GIRLS, _AFRICAN_BOYS, _AFRICAN_SURNAMES),
    "caribbean": (_CARIBBEAN_GIRLS, _CARIBBEAN_BOYS, _CARIBBEAN_SURNAMES),
    "chinese": (_CHINESE_GIRLS, _CHINESE_BOYS, _CHINESE_SURNAMES),
    "arab": (_ARAB_GIRLS, _ARAB_BOYS, _ARAB_SURNAMES),
}

# Birmingham neighbourhoods and local names, for "<Place> Primary School" and the like.
PLACES = (
    "Acocks Green", "Allens Croft", "Anderton Park", "Aston", "Balsall Heath", "Bartley Green",
    "Beeches", "Benson", "Billesley", "Birchfield", "Boldmere", "Bordesley Green", "Bournville",
    "Brandwood End", "Bromford", "Brookvale", "Calshot", "Castle Vale", "Chad Vale", "Chivenor",
    "Clifton", "Colmore", "Cotteridge", "Cromwell", "Deykin Avenue", "Digbeth", "Dorrington",
    "Elms Farm", "Erdington Hall", "Featherstone", "Fox Hollies", "Glebe Farm", "Gossey Lane",
    "Grendon", "Greet", "Hall Green", "Hamstead", "Handsworth Wood", "Harborne", "Hawthorn",
    "Highters Heath", "Hillstone", "Hodge Hill", "Holly Hill", "Hollywood", "Kings Heath",
    "Kings Norton", "Kingsbury", "Kingstanding", "Ladypool", "Lakey Lane", "Lea Forest",
    "Lee Bank", "Lindsworth", "Little Sutton", "Lozells", "Lyndon Green", "Maney", "Marlborough",
    "Marsh Hill", "Minworth", "Moor Green", "Moseley", "Nechells", "Nelson Mandela", "Newtown",
    "Northfield Manor", "Oakland", "Oscott", "Paganel", "Percy Shurmer", "Perry Beeches",
    "Perry Common", "Princethorpe", "Quinton", "Redhill", "Reaside", "Rednal Hill", "Ridpool",
    "Robin Hood", "Rookery", "Rubery", "Saltley", "Selly Oak", "Selly Park", "Shard End",
    "Sheldon", "Shenley Fields", "Small Heath", "Soho Road", "Somerville", "Sparkhill",
    "Springfield", "Stechford", "Stirchley", "Stockland Green", "Summerfield", "Sutton Park",
    "Timberley", "Turves Green", "Tyburn", "Walmley", "Ward End", "Washwood Heath", "Water Mill",
    "Welford", "Wheelers Lane", "Whitehouse Common", "Wilkes Green", "Wychall", "Wylde Green",
    "Yardley", "Yardley Wood", "Yenton", "Alston", "Bellfield", "Blakesley Hall", "Brays",
    "Brownmead", "Cherry Orchard", "Chilcote", "Colebourne", "Coppice", "Cranmore", "Dennis",
    "Forestdale", "Gracelands", "Grestone", "Gunter", "Hawkesley", "Heathfield", "Highfield",
    "Hillcrest", "Hollyfield", "Holte", "Jervoise", "Kingsland", "Leigh", "Lickey Hills",
    "Mansfield Green", "Mapledene", "Mayfield", "Milking Bank", "Mere Green", "Montgomery",
    "Nansen", "Oaklands", "Osborne", "Pegasus", "Raddlebarn", "Regents Park", "Rockwood",
    "Roshven", "Starbank", "Tame Valley", "Thornton", "Tiverton", "Topcliffe", "Victoria Park",
    "Wattville", "Westminster", "Woodgate", "Woodthorpe", "Audley", "Barford", "Beale",
    "Birches Green", "Blakeland", "Bloomsbury", "Bordesley Village", "Briar Hill", "Burman",
    "Canterbury Cross", "Cofton", "Conway", "Court Farm", "Eden", "Fairway", "Gilbertstone",
    "Greenholm", "Harborne Park", "Heartlands", "Hunters Hill", "Jakeman", "Kitwell", "Lark Rise",
    "Moor Hall", "Nansen Road", "Oldknow", "Parkfield", "Penns", "Pinewood", "Queensbridge",
    "Ravenshill", "Rowley", "Severne", "Slade", "Stanville", "Tame", "Waverley",
    "Welsh House Farm", "Wednesfield Road", "Whitecrest", "Woodcock Hill", "Worlds End", "Abbey",
    "Adderley", "Allens Cross", "Anglesey", "Arden", "Ashfield", "Beaufort", "Beechwood",
    "Belgrave", "Birchwood", "Blackthorn", "Bolton Road", "Bourne", "Bowater", "Bramley",
    "Brookfields", "Broadmeadow", "Calthorpe", "Camp Hill", "Castle Bromwich", "Cedars", "Chandos",
    "Charles Road", "Chester Road", "Church Road", "Clifford", "Colmers Farm", "Cole Valley",
    "Court Lane", "Coventry Road", "Cromer", "Dartmouth", "Deanery", "Dolphin", "Dovedale",
    "Dudley Road", "Elmdon", "Fairfax", "Fentham", "Fernhill", "Firs", "Fordbridge", "Four Oaks",
    "Frankley", "Gillott", "Glenmead", "Golden Hillock", "Grove", "Hallmoor", "Harper Bell",
    "Hawthorne Road", "Hay Mills", "Highgate", "Hockley", "Holford", "Hollymoor", "Hurst Green",
    "Icknield", "James Watt", "Kents Moat", "Kings Rise", "Kingsthorne", "Langley", "Lench",
    "Lindridge", "Longbridge", "Lyndhurst", "Manor Farm", "Marston Green", "Meadow",
    "Merritts Brook", "Metchley", "Middlemore", "Mill Lane", "Moorcroft", "Moseley Park",
    "Nechells Green", "Nursery Road", "Oakhill", "Old Oscott", "Orchard", "Osler", "Park Hill",
    "Pelham", "Perry Hall", "Pool Farm", "Priory", "Primrose Hill", "Raglan", "Reddings",
    "Ridgeway", "Rivermead", "Rockland", "Rowheath", "Selcroft", "Sarehole", "Shaftmoor",
    "Sherbourne", "Short Heath", "Sladefield", "Stanmore", "Stockfield", "Stone Hill",
    "Swanshurst", "Tennal", "Tile Cross", "Tindal", "Torrey", "Tudor Grange", "Twickenham",
    "Vauxhall", "Walford", "Warstock", "Warwick Road", "Weoley Castle", "Weoley Hill",
    "Wheeler Street", "Whitehouse", "Windmill", "Witton", "Wood End", "Woodlands", "Woodhouse",
    "Wyndcliffe", "Yew Tree",
)  # fmt: skip

SAINTS = (
    "Mary", "Joseph", "Patrick", "John", "Peter", "Paul", "Anne", "Bernadette", "Brigid",
    "Catherine", "Chad", "Clare", "Edmund", "Francis", "Gerard", "Jude", "Margaret Mary",
    "Mark", "Michael", "Nicholas", "Teresa", "Thomas", "Augustine", "Barnabas", "Columba",
    "Dunstan", "Edward", "Elizabeth", "George", "Helen", "James", "Laurence", "Luke",
    "Martin", "Matthew", "Saviour", "Stephen", "Vincent", "Wilfrid", "Alban",
)  # fmt: skip
